"""Every route of the app and the role gate in front of it, read from the app itself: the access
control test enumerates them, and the contract test calls each operation as the roles its gate
lets through."""

from __future__ import annotations

from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, iter_route_contexts

from api.app import create_app
from domain.catalog import Role
from settings import Settings

# The dependencies `require_role` (API) and `page_role` (pages) make.
GATES = ("require_role.<locals>.check", "page_role.<locals>.check")


def routes() -> list[tuple[str, str, APIRoute]]:
    """Each (method, path, route) of the app."""
    app = create_app(Settings(_env_file=None), "postgresql://nobody@127.0.0.1:1/none")
    return [
        (method, str(context.path), context.route)
        for context in iter_route_contexts(app.routes)
        if isinstance(context.route, APIRoute)
        for method in sorted(context.methods or ())
    ]


def allowed_roles(dependant: Dependant) -> set[Role] | None:
    """The roles a route's gate lets through, read from its dependency tree; None if ungated."""
    for dependency in dependant.dependencies:
        name = getattr(dependency.call, "__qualname__", "")
        cells = getattr(dependency.call, "__closure__", None)
        if name in GATES and cells:
            return set(cells[0].cell_contents)
        found = allowed_roles(dependency)
        if found is not None:
            return found
    return None
