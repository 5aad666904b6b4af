"""The preview JSON carries each resource's options and input dependencies (issue 12 point 2)."""

from __future__ import annotations

from coko_cli.offline.report import to_json
from coko_cli.offline.runner import StackPreview

OPTION_KEYS = {"protect", "retainOnDelete", "deleteBeforeReplace", "ignoreChanges", "dependsOn", "provider"}


def test_every_resource_has_its_options(previews: dict[str, dict[str, StackPreview]]) -> None:
    for stack in to_json(list(previews["preview"].values()))["stacks"]:
        for resource in stack["resources"]:
            assert set(resource["options"]) >= OPTION_KEYS, resource["urn"]
            assert isinstance(resource["dependencies"], dict)


def test_declared_options_are_recorded_as_the_program_set_them(previews: dict[str, dict[str, StackPreview]]) -> None:
    production = previews["preview"]["production"]
    services = [r for r in production.resources if r.type == "aws:ecs/service:Service" and r.inputs.get("desiredCount") is not None]
    assert services and all("desiredCount" in r.options["ignoreChanges"] for r in services if "scheduler" not in r.name)
    declared = [urn for r in production.resources for urn in r.options["dependsOn"]]
    urns = {r.urn for r in production.resources}
    assert declared and set(declared) <= urns  # dependsOn names real resources of the stack
    edge = [r for r in production.resources if r.region == "us-east-1" and r.custom and r.type.startswith("aws:")]
    assert edge and all(r.options["provider"] and "pulumi:providers:aws" in r.options["provider"] for r in edge if "region" not in r.inputs)


def test_input_dependencies_point_at_the_resource_a_value_comes_from(previews: dict[str, dict[str, StackPreview]]) -> None:
    production = {r.urn: r for r in previews["preview"]["production"].resources}
    listener = next(r for r in production.values() if r.type == "aws:lb/listener:Listener" and r.inputs.get("protocol") == "HTTPS")
    sources = {production[urn].type for urn in listener.dependencies["certificateArn"]}
    assert sources & {"aws:acm/certificate:Certificate", "aws:acm/certificateValidation:CertificateValidation"}
