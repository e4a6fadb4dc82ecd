import logging
from pathlib import Path

import pytest
from pydantic import ValidationError

from settings import DEFAULT_SECRET_KEY, Settings, configure_logging, environment_names


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in environment_names():
        monkeypatch.delenv(name, raising=False)


def test_settings_are_read_from_poflow_prefixed_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POFLOW_TEMPORAL_TASK_QUEUE", "po-queue")
    monkeypatch.setenv("POFLOW_FISCAL_YEAR_START_MONTH", "4")
    monkeypatch.setenv("POFLOW_BASE_CURRENCY", "CHF")
    settings = Settings(_env_file=None)
    assert settings.temporal_task_queue == "po-queue"
    assert settings.fiscal_year_start_month == 4
    assert settings.base_currency == "CHF"


def test_plain_database_url_is_honoured(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql://u:p@db.internal:5432/poflow")
    assert Settings(_env_file=None).database_url == "postgresql://u:p@db.internal:5432/poflow"


def test_a_dotenv_file_is_read(tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text("POFLOW_API_PORT=9100\nPOFLOW_TEMPORAL_NAMESPACE=procurement\n")
    settings = Settings(_env_file=env_file)
    assert settings.api_port == 9100
    assert settings.temporal_namespace == "procurement"


def test_production_refuses_the_default_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POFLOW_ENVIRONMENT", "production")
    with pytest.raises(ValidationError, match="POFLOW_SECRET_KEY"):
        Settings(_env_file=None)
    monkeypatch.setenv("POFLOW_SECRET_KEY", DEFAULT_SECRET_KEY)
    with pytest.raises(ValidationError, match="POFLOW_SECRET_KEY"):
        Settings(_env_file=None)
    monkeypatch.setenv("POFLOW_SECRET_KEY", "k" * 40)
    assert Settings(_env_file=None).environment == "production"


def test_bad_values_are_refused_with_the_rule(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POFLOW_BASE_CURRENCY", "euro")
    with pytest.raises(ValidationError, match="ISO 4217"):
        Settings(_env_file=None)
    monkeypatch.setenv("POFLOW_BASE_CURRENCY", "EUR")
    monkeypatch.setenv("POFLOW_FISCAL_YEAR_START_MONTH", "13")
    with pytest.raises(ValidationError, match="fiscal_year_start_month"):
        Settings(_env_file=None)


def test_links_default_to_the_local_app_and_ui() -> None:
    settings = Settings(_env_file=None)
    assert settings.app_url == "http://127.0.0.1:8000"
    assert settings.temporal_ui_url == "http://127.0.0.1:8233"


def test_processes_log_each_http_request_only_when_it_goes_wrong(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)  # as the processes log
    configure_logging()
    assert not logging.getLogger("httpx").isEnabledFor(logging.INFO)
    assert logging.getLogger("httpx").isEnabledFor(logging.WARNING)


def test_an_empty_value_counts_as_unset(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("POFLOW_ERP_URL", "POFLOW_SMTP_HOST", "POFLOW_SMTP_PORT", "POFLOW_API_PORT"):
        monkeypatch.setenv(name, "")
    settings = Settings(_env_file=None)
    assert settings.erp is None
    assert settings.smtp.host is None
    assert settings.smtp.port == 8025
    assert settings.api_port == 8000


def test_each_outside_system_gets_its_own_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POFLOW_ERP_URL", "https://erp.example.org/api/v1")
    monkeypatch.setenv("POFLOW_ERP_TOKEN", "erp-token")
    monkeypatch.setenv("POFLOW_ERP_PROTOCOL", "cxml")
    monkeypatch.setenv("POFLOW_SERVICENOW_URL", "https://acme.service-now.com")
    monkeypatch.setenv("POFLOW_SERVICENOW_USER", "poflow")
    monkeypatch.setenv("POFLOW_SERVICENOW_PASSWORD", "sn-pass")
    monkeypatch.setenv("POFLOW_GLPI_URL", "https://glpi.example.org/apirest.php")
    settings = Settings(_env_file=None)
    assert settings.erp is not None
    assert (settings.erp.url, settings.erp.token, settings.erp.protocol) == (
        "https://erp.example.org/api/v1",
        "erp-token",
        "cxml",
    )
    assert settings.servicenow is not None
    assert settings.servicenow.password == "sn-pass"
    assert settings.jira is None
    assert settings.glpi is not None
    assert (settings.glpi.app_token, settings.glpi.user_token) == ("", "")
