"""Where cost files wait and where the worker puts them while loading: the upload folder the
API streams uploaded files into, the worker's work folder, and the credentials of S3-compatible
buckets (a source's own location names its bucket, prefix and endpoint)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings


@dataclass(frozen=True)
class CostFileStores:
    """What the cost-file stores are built with (``adapters.costs.file_stores``)."""

    upload_dir: Path
    work_dir: Path
    s3_access_key_id: str | None
    s3_secret_access_key: str | None
    s3_region: str
    s3_endpoint_url: str | None


class CostFileSettings(BaseSettings):
    """The cost-file fields of ``Settings``; unset folders live under the data folder."""

    cost_upload_dir: Path | None = Field(
        default=None,
        description="Where uploaded cost files are kept, one folder per source; unset is "
        "<data_dir>/cost-uploads.",
    )
    cost_work_dir: Path | None = Field(
        default=None,
        description="Where the worker downloads a cost file before loading it; unset is "
        "<data_dir>/cost-work.",
    )
    cost_bucket_access_key_id: str | None = Field(
        default=None,
        description="Access key of the S3-compatible buckets cost files are read from; unset "
        "uses boto3's own chain (environment, profile, instance role).",
    )
    cost_bucket_secret_access_key: SecretStr | None = None
    cost_bucket_region: str = "us-east-1"
    cost_bucket_endpoint_url: str | None = Field(
        default=None,
        description="Endpoint of an S3-compatible service (MinIO, Ceph...) when a source's "
        "location names none; unset is AWS.",
    )

    def cost_file_stores(self, data_dir: Path) -> CostFileStores:
        secret = self.cost_bucket_secret_access_key
        return CostFileStores(
            upload_dir=self.cost_upload_dir or data_dir / "cost-uploads",
            work_dir=self.cost_work_dir or data_dir / "cost-work",
            s3_access_key_id=self.cost_bucket_access_key_id,
            s3_secret_access_key=secret.get_secret_value() if secret else None,
            s3_region=self.cost_bucket_region,
            s3_endpoint_url=self.cost_bucket_endpoint_url,
        )
