"""collectstatic with the production storage, against moto's S3: hashed names, a manifest, a year of cache.

This is what the release's static step runs in its one-off task (the image's own command), so the
old and the new release each find their own files in the bucket while the services roll.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import boto3
import pytest
from coko.env_contract import sample_environment

APP_DIR = Path(__file__).resolve().parents[2] / "app"
BUCKET = "coko-production-static-test"
REGION = "eu-west-3"
PREVIOUS_RELEASE_FILE = "static/admin/css/base.0123456789ab.css"


def production_env(endpoint: str) -> dict[str, str]:
    return sample_environment(
        PATH=os.environ.get("PATH", ""),
        REDIS_URL="redis://127.0.0.1:9/0",
        AWS_STATIC_BUCKET_NAME=BUCKET,
        AWS_S3_REGION_NAME=REGION,
        AWS_ENDPOINT_URL=endpoint,
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",
        AWS_EC2_METADATA_DISABLED="true",
        AWS_CONFIG_FILE="/nonexistent",
        AWS_SHARED_CREDENTIALS_FILE="/nonexistent",
    )


@pytest.fixture(scope="module")
def uploaded(moto_endpoint: str) -> dict[str, dict[str, str]]:
    """Bucket key -> metadata after a previous release's file exists and collectstatic ran."""
    s3 = boto3.client("s3", region_name=REGION, endpoint_url=moto_endpoint, aws_access_key_id="testing", aws_secret_access_key="testing")
    s3.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION})
    s3.put_object(Bucket=BUCKET, Key=PREVIOUS_RELEASE_FILE, Body=b"/* the previous release */")
    done = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "1"],
        cwd=APP_DIR,
        env=production_env(moto_endpoint),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    keys = [o["Key"] for page in s3.get_paginator("list_objects_v2").paginate(Bucket=BUCKET) for o in page.get("Contents", [])]
    return {key: s3.head_object(Bucket=BUCKET, Key=key) for key in keys if key.endswith((".css", ".json"))}


def test_static_files_get_content_hashed_names_and_a_manifest(uploaded: dict[str, dict[str, str]], moto_endpoint: str) -> None:
    hashed = [k for k in uploaded if re.fullmatch(r"static/admin/css/base\.[0-9a-f]{12}\.css", k) and k != PREVIOUS_RELEASE_FILE]
    assert len(hashed) == 1
    s3 = boto3.client("s3", region_name=REGION, endpoint_url=moto_endpoint, aws_access_key_id="testing", aws_secret_access_key="testing")
    manifest = json.loads(s3.get_object(Bucket=BUCKET, Key="static/staticfiles.json")["Body"].read())
    assert manifest["paths"]["admin/css/base.css"] == hashed[0].removeprefix("static/")


def test_hashed_files_are_cached_for_a_year_as_immutable(uploaded: dict[str, dict[str, str]]) -> None:
    hashed = next(k for k in uploaded if re.fullmatch(r"static/admin/css/base\.[0-9a-f]{12}\.css", k) and k != PREVIOUS_RELEASE_FILE)
    assert uploaded[hashed]["CacheControl"] == "public, max-age=31536000, immutable"


def test_the_previous_release_keeps_its_files(uploaded: dict[str, dict[str, str]]) -> None:
    """collectstatic adds; it never clears the bucket, so tasks still on the old revision find theirs."""
    assert PREVIOUS_RELEASE_FILE in uploaded


def test_cloudfront_keeps_static_files_as_long_as_their_cache_control_allows(uploaded: dict[str, dict[str, str]]) -> None:
    from coko_cli.offline.runner import run_stack

    hashed = next(k for k in uploaded if re.fullmatch(r"static/admin/css/base\.[0-9a-f]{12}\.css", k) and k != PREVIOUS_RELEASE_FILE)
    max_age = int(re.search(r"max-age=(\d+)", uploaded[hashed]["CacheControl"]).group(1))  # type: ignore[union-attr]
    records = run_stack("production", "preview").resources
    [static_policy] = [r for r in records if r.type == "aws:cloudfront/cachePolicy:CachePolicy" and "static" in r.name]
    assert static_policy.inputs["maxTtl"] == max_age == 31536000
