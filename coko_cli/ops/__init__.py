"""Operations between deployments (migrate, rollback, releases, status), through boto3 only.

The CLI must work in a CI job that has AWS credentials but no Pulumi CLI, so it never imports
pulumi: it reads the stack file for the region and finds the ECS resources by their tags.
"""
