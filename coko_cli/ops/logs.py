"""Follow a task's awslogs stream: the code lives in `coko_ecs.logs` (shared with the release steps)."""

from coko_ecs.logs import TAIL_LINES, LogFollower, log_location

__all__ = ["TAIL_LINES", "LogFollower", "log_location"]
