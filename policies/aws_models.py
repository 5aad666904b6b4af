"""AWS API constraints read from botocore's service models at rule time (not copied by hand).

``botocore/data/<service>/<date>/service-2.json(.gz)`` holds, for every API parameter, the
min/max length, the pattern and the enum values, and its documentation states the rest
("can have a maximum of 32 characters", "Valid Values: 0 | 1 | 5"). The deployability rules
ask this module, so a botocore upgrade updates them. botocore comes with boto3 in the project
and is listed in policies/requirements.txt for the CrossGuard pack's own environment.
A model or sentence that no longer parses raises ModelError (a test parses every one in use).
What a rule extracted is kept per botocore version in ``~/.cache/coko`` (or ``$COKO_CACHE_DIR``),
so a check does not decompress and parse the models each time.
"""

from __future__ import annotations

import functools
import html
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any


class ModelError(LookupError):
    """botocore's model no longer says what a rule expects (renamed shape or reworded sentence)."""


@dataclass(frozen=True)
class Constraint:
    """What the API accepts for one parameter; None where the model says nothing."""

    where: str  # "<service> <Operation>.<Member>", for messages and the catalogue
    min: int | None = None
    max: int | None = None
    pattern: str | None = None
    enum: tuple[str, ...] = ()
    doc: str = ""

    def problems(self, value: Any, label: str) -> list[str]:
        """Messages for a known value that the API would reject."""
        problems = []
        if self.enum and isinstance(value, str) and value not in self.enum:
            problems.append(f"{label} {value!r} is not one of {', '.join(self.enum)} ({self.where})")
        if isinstance(value, str):
            if self.max is not None and len(value) > self.max:
                problems.append(f"{label} {value!r} is {len(value)} characters, the API allows {self.max} ({self.where})")
            if self.min is not None and len(value) < self.min:
                problems.append(f"{label} {value!r} is shorter than {self.min} characters ({self.where})")
            if self.pattern and not re.fullmatch(_python_pattern(self.pattern), value):
                problems.append(f"{label} {value!r} does not match {self.pattern} ({self.where})")
        elif isinstance(value, int | float) and not isinstance(value, bool):
            if self.max is not None and value > self.max:
                problems.append(f"{label} {value} is above {self.max} ({self.where})")
            if self.min is not None and value < self.min:
                problems.append(f"{label} {value} is below {self.min} ({self.where})")
        return problems


@functools.cache
def _model(service: str) -> dict[str, Any]:
    import botocore.loaders  # imported when a rule first needs a model

    model: dict[str, Any] = botocore.loaders.create_loader().load_service_model(service, "service-2")
    return model


def _python_pattern(pattern: str) -> str:
    r"""Java-style escapes in the models (``\u002F``, ``\p{Print}``) as Python's re reads them."""
    pattern = re.sub(r"\\u([0-9A-Fa-f]{4})", lambda m: re.escape(chr(int(m.group(1), 16))), pattern)
    return pattern.replace(r"\p{Print}", r"[\x20-\x7e]")


def text(doc: str) -> str:
    """Model documentation (HTML) as one line of plain text."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", doc)).split())


@functools.cache
def _extracted() -> dict[str, Any]:
    """Constraints already extracted with this botocore version (parsing the gzipped models costs
    ~0.3 s of CPU per check); a missing or unreadable file only means reading the models again."""
    try:
        loaded = json.loads(_cache_file().read_text())
        return loaded if isinstance(loaded, dict) else {}
    except (OSError, ValueError):
        return {}


def _cache_file() -> Path:
    import botocore

    base = os.environ.get("COKO_CACHE_DIR") or os.path.join(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache", "coko")
    return Path(base) / f"aws-constraints-botocore-{botocore.__version__}.json"


def _remember(key: str, value: Any) -> None:
    cache = _extracted()
    cache[key] = value
    try:
        target = _cache_file()
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(cache))
        os.replace(tmp, target)
    except OSError:
        pass


@functools.cache
def member(service: str, operation: str, name: str) -> Constraint:
    """The constraint on ``name`` in ``operation``'s input shape (ModelError if either is gone)."""
    key = f"member|{service}|{operation}|{name}"
    cached = _extracted().get(key)
    if isinstance(cached, dict):
        return Constraint(**{**cached, "enum": tuple(cached.get("enum", ()))})
    found = _member(service, operation, name)
    _remember(key, {**found.__dict__, "enum": list(found.enum)})
    return found


def _member(service: str, operation: str, name: str) -> Constraint:
    model = _model(service)
    try:
        shape_name = model["operations"][operation]["input"]["shape"]
        ref = model["shapes"][shape_name]["members"][name]
        shape = model["shapes"][ref["shape"]]
        if shape.get("type") == "list":  # a list parameter: the constraint is on its items
            shape = model["shapes"][shape["member"]["shape"]]
    except KeyError as exc:
        raise ModelError(f"botocore {service} model: no {operation}.{name}") from exc
    return Constraint(
        where=f"botocore {service} {operation}.{name}",
        min=shape.get("min"),
        max=shape.get("max"),
        pattern=shape.get("pattern"),
        enum=tuple(shape.get("enum", ())),
        doc=text(ref.get("documentation") or shape.get("documentation") or ""),
    )


def doc_number(constraint: Constraint, sentence: str) -> int:
    """The number captured by ``sentence`` (a regex with one group) in the parameter's documentation."""
    found = re.search(sentence, constraint.doc)
    if not found:
        raise ModelError(f"{constraint.where}: documentation no longer says {sentence!r}")
    return int(found.group(1))


def doc_values(constraint: Constraint, sentence: str) -> tuple[int, ...]:
    """Integers listed after ``sentence`` ("Possible values are: 1, 3, 5 ... and 3653")."""
    found = re.search(sentence + r"([0-9 ,|and]+)", constraint.doc)
    if not found:
        raise ModelError(f"{constraint.where}: documentation no longer lists {sentence!r}")
    return tuple(int(n) for n in re.findall(r"\d+", found.group(1)))


def shape_doc(service: str, shape: str) -> str:
    key = f"shape|{service}|{shape}"
    cached = _extracted().get(key)
    if isinstance(cached, str):
        return cached
    try:
        found = text(_model(service)["shapes"][shape].get("documentation", ""))
    except KeyError as exc:
        raise ModelError(f"botocore {service} model: no shape {shape}") from exc
    _remember(key, found)
    return found


@functools.cache
def fargate_sizes() -> dict[int, frozenset[int]]:
    """Fargate task CPU units -> the memory sizes (MiB) it accepts, parsed from the ECS model's
    documentation of RegisterTaskDefinition.memory (the table of the "Task size" docs page)."""
    parts = re.split(r"- Available cpu values: (\d+) \([^)]*\)", member("ecs", "RegisterTaskDefinition", "memory").doc)
    sizes: dict[int, frozenset[int]] = {}
    for described, cpu in zip(parts[::2], parts[1::2], strict=False):
        if "Between" in described:
            found = re.search(r"Between (\d+) ?(GB)?.*? and (\d+) ?(GB)?.*? in (?:increments of )?(\d+) ?(GB)?", described[described.rindex("Between") :])
            if not found:
                raise ModelError(f"botocore ecs RegisterTaskDefinition.memory: cannot read {described!r}")
            low, high, step = (int(found.group(i)) * (1024 if found.group(i + 1) else 1) for i in (1, 3, 5))
            sizes[int(cpu)] = frozenset(range(low, high + 1, step))
        else:
            sizes[int(cpu)] = frozenset(int(n) for n in re.findall(r"(\d+) \(\d*\.?\d+ GB\)", described))
    if len(sizes) < 5 or not all(sizes.values()):
        raise ModelError("botocore ecs RegisterTaskDefinition.memory: the Fargate size table no longer parses")
    return sizes
