"""COKO-DEPLOY-034: input property names exist in the pulumi-aws schema, read from the committed
policies/input_schema.json, which must match the installed pulumi_aws and cover every stack type."""

from __future__ import annotations

import json
from typing import Any

import pytest

from policies import input_schema
from policies.framework import SECRET, UNKNOWN
from policies.rules import all_rules
from policies.rules import resource_types as t

from .cases import res
from .deploy_cases import BLOCKED_IPS, web_acl_rule

RULE = {r.id: r for r in all_rules()}["COKO-DEPLOY-034"]


def test_nested_not_statement_with_a_list_of_statements_is_reported() -> None:
    problems = RULE.evaluate(web_acl_rule({"notStatement": {"statements": [BLOCKED_IPS]}}))
    assert problems == ["`rules[0].statement.notStatement.statements` is not an input of WebAclRuleStatementNotStatement (pulumi-aws 7.51.1); did you mean `statement`?"]


def test_untranslated_snake_case_key_inside_camel_case_siblings_is_reported() -> None:
    # what the SDK left in the plan: a dict key it did not know stays snake_case
    problems = RULE.evaluate(web_acl_rule({"notStatement": {"statement": {"ip_set_reference_statement": {"arn": "[unknown]"}}}}))
    assert len(problems) == 1
    assert problems[0].startswith("`rules[0].statement.notStatement.statement.ip_set_reference_statement` is not an input of WebAclRuleStatement ")
    assert problems[0].endswith("write `ipSetReferenceStatement`")


def test_misspelt_top_level_property_is_reported() -> None:
    problems = RULE.evaluate(res(t.RDS_INSTANCE, {"engine": "postgres", "storageEncryptd": True, "instanceClass": "db.t4g.micro"}))
    assert problems == ["`storageEncryptd` is not an input of Instance (pulumi-aws 7.51.1); did you mean `storageEncrypted`?"]


def test_every_misplaced_key_is_reported_with_its_path() -> None:
    inputs = {"engine": "postgres", "storage_encrypted": True, "blueGreenUpdate": {"enabled": True, "enable": True}}
    problems = RULE.evaluate(res(t.RDS_INSTANCE, inputs))
    assert [p.split("`")[1] for p in problems] == ["storage_encrypted", "blueGreenUpdate.enable"]


@pytest.mark.parametrize(
    "inputs",
    [
        {"tags": {"any_key": "v", "Owner": "platform"}},  # a map: keys are the user's
        {"policy": json.dumps({"Version": "2012-10-17", "Statement": []}), "name": "x"},  # a JSON document
        {"policy": {"not_a_property": 1}},  # a scalar input given an object: not descended into
    ],
)
def test_maps_and_documents_are_not_checked_key_by_key(inputs: dict[str, Any]) -> None:
    assert RULE.evaluate(res(t.ROLE_POLICY if "policy" in inputs else t.RDS_INSTANCE, inputs)) == []


@pytest.mark.parametrize("value", [UNKNOWN, SECRET])
def test_unknown_and_secret_objects_are_skipped(value: str) -> None:
    assert RULE.evaluate(res(t.RDS_INSTANCE, {"blueGreenUpdate": value, "password": value})) == []


def test_type_missing_from_the_data_file_is_skipped() -> None:
    assert RULE.evaluate(res("aws:lex/v2modelsBotVersion:V2modelsBotVersion", {"nope": 1})) == []


def test_committed_file_matches_the_installed_pulumi_aws_and_covers_every_stack_type(plan_docs: dict[str, dict[str, Any]]) -> None:
    types = {r["type"] for doc in plan_docs.values() for s in doc["stacks"] for r in s["resources"] if r["type"].startswith("aws:")}
    fresh = input_schema.render(input_schema.generate(types))
    assert input_schema.DATA.read_text() == fresh, "regenerate: python -m policies.input_schema build/preview.json > policies/input_schema.json"


def test_every_stack_resource_has_only_schema_inputs(plan_docs: dict[str, dict[str, Any]]) -> None:
    from policies.engine import stacks_from_preview

    found = [(r.name, p) for doc in plan_docs.values() for view in stacks_from_preview(doc) for r in view.resources for p in RULE.evaluate(r)]
    assert found == []
