"""The cost exploration API tests' fixtures (``tests.api.costs.explore_client``): real samples
loaded once per module into sources of their own, and the app on the test's transaction."""

from tests.api.costs.explore_client import aws_source, azure_source, explorer

__all__ = ["aws_source", "azure_source", "explorer"]
