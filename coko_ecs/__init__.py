"""ECS operations shared by the `coko` CLI and the Pulumi program's release steps (boto3 only).

One-off tasks (migrations, collectstatic) and the rollout check run the same code whether an
operator types `coko migrate` or `pulumi up` runs them inside the resource graph. This package
imports neither ``pulumi`` nor ``coko_cli``/``stacks``/``components``: the arrows go
CLI -> here and program -> here, never back (tests/release/test_layering.py checks it).
"""
