"""Checks of docker-compose.yml that `docker-compose config` (Compose v1.29) leaves out, but
Docker Compose v2 enforces or the stack relies on.

    python3 compose_lint.py <compose file> <Dockerfile> <markdown file>...

- no key twice in one mapping (v1's YAML loader keeps the last one silently; v2 refuses)
- durations in Go syntax (`5s`, `1m30s`): v1 does not check the schema's `duration` format
- `restart` is one of no, always, on-failure[:N], unless-stopped
- a `service_healthy` dependency has a health check, in the compose file or in its image's
  Dockerfile stage
- `pos-worker` can be scaled: no `container_name`, no published host port
- published ports are bound to 127.0.0.1: the stack has no TLS and no webhook authentication
- no `${...}` inside another's default: v1 passes the inner one on as text, v2 resolves it
- every variable given to a built service is one a table of the documentation lists (the
  README's Configuration, docs/configuration.md, the other docs/ pages): in a row's first cell
"""

import re
import sys

import yaml

DURATION = re.compile(r"^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$")
NESTED = re.compile(r"\$\{[^}]*\$\{")
RESTART = re.compile(r"^(no|always|unless-stopped|on-failure(:[0-9]+)?)$")
DURATION_KEYS = {
    "healthcheck": ("interval", "timeout", "start_period", "start_interval"),
}


class UniqueKeyLoader(yaml.SafeLoader):
    pass


def construct_mapping(loader, node, deep=False):
    seen = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None,
                None,
                f"key {key!r} appears twice in one mapping (first at line {seen[key] + 1})",
                key_node.start_mark,
            )
        seen[key] = key_node.start_mark.line
    return loader.construct_mapping(node, deep=deep)


UniqueKeyLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, construct_mapping
)


def dockerfile_healthchecks(path):
    """Stage name -> whether it (or a stage it is built FROM) declares a HEALTHCHECK."""
    stages, parents, current = {}, {}, None
    with open(path, encoding="utf-8") as f:
        for line in f:
            words = line.split()
            if not words:
                continue
            if words[0].upper() == "FROM":
                current = words[3] if len(words) >= 4 and words[2].upper() == "AS" else None
                if current:
                    stages[current] = False
                    parents[current] = words[1]
            elif words[0].upper() == "HEALTHCHECK" and current:
                stages[current] = words[1:2] != ["NONE"]

    def has(stage):
        if stage not in stages:
            return False
        return stages[stage] or has(parents.get(stage))

    return {stage: has(stage) for stage in stages}


def documented_variables(paths):
    """The `NAME`s in the first cell of every table row of these markdown files."""
    names = set()
    for path in paths:
        with open(path, encoding="utf-8") as f:
            for line in f:
                if line.startswith("|"):
                    names.update(re.findall(r"`([A-Z][A-Z0-9_]*)`", line.split("|")[1]))
    return names


def main(compose_path, dockerfile_path, *doc_paths):
    errors = []
    with open(compose_path, encoding="utf-8") as f:
        try:
            doc = yaml.load(f, Loader=UniqueKeyLoader)
        except yaml.YAMLError as error:
            print(f"{compose_path}: {error}", file=sys.stderr)
            return 1

    services = doc.get("services") or {}
    healthchecks = dockerfile_healthchecks(dockerfile_path)
    documented = documented_variables(doc_paths)
    if not documented:
        errors.append(f"no table of variables in {', '.join(doc_paths) or 'no documentation given'}")

    for name, service in services.items():
        where = f"services.{name}"
        for section, keys in DURATION_KEYS.items():
            for key in keys:
                value = (service.get(section) or {}).get(key)
                if value is not None and not DURATION.match(str(value)):
                    errors.append(f"{where}.{section}.{key}: {value!r} is not a duration like 5s or 1m30s")
        grace = service.get("stop_grace_period")
        if grace is not None and not DURATION.match(str(grace)):
            errors.append(f"{where}.stop_grace_period: {grace!r} is not a duration")

        restart = service.get("restart")
        if restart is not None and not RESTART.match(str(restart)):
            errors.append(f"{where}.restart: {restart!r} is not no, always, on-failure[:N] or unless-stopped")

        depends = service.get("depends_on") or {}
        if isinstance(depends, dict):
            for target, options in depends.items():
                if (options or {}).get("condition") != "service_healthy":
                    continue
                other = services.get(target) or {}
                in_compose = "test" in (other.get("healthcheck") or {}) and not (
                    other.get("healthcheck") or {}
                ).get("disable")
                build = other.get("build")
                stage = build.get("target") if isinstance(build, dict) else None
                if not in_compose and not healthchecks.get(stage, False):
                    errors.append(
                        f"{where}.depends_on.{target}: service_healthy, but {target} has no health check"
                    )

        build = service.get("build")
        environment = service.get("environment") or {}
        if build and documented:
            keys = (
                environment.keys()
                if isinstance(environment, dict)
                else [entry.split("=", 1)[0] for entry in environment]
            )
            for key in keys:
                if key not in documented:
                    errors.append(f"{where}.environment.{key}: not a variable the documentation's tables list")

        for port in service.get("ports") or []:
            host_ip = port.get("host_ip") if isinstance(port, dict) else (
                str(port).split(":")[0] if str(port).count(":") == 2 else None
            )
            if host_ip != "127.0.0.1":
                errors.append(f"{where}.ports: {port!r} is not published on 127.0.0.1 only")

    with open(compose_path, encoding="utf-8") as f:
        lines = f.read().splitlines()
    for line_number, line in enumerate(lines, 1):
        if not line.lstrip().startswith("#") and NESTED.search(line):
            errors.append(f"line {line_number}: a variable inside another's default: {line.strip()}")

    worker = services.get("pos-worker") or {}
    if "container_name" in worker:
        errors.append("services.pos-worker.container_name: a fixed name prevents --scale")
    for port in worker.get("ports") or []:
        published = port.get("published") if isinstance(port, dict) else (
            str(port).rsplit(":", 1)[0] if ":" in str(port) else None
        )
        if published:
            errors.append(f"services.pos-worker.ports: {port!r} publishes a host port, which prevents --scale")

    for error in errors:
        print(f"{compose_path}: {error}", file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
