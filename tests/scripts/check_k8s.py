"""Check deploy/kubernetes/*.yaml with a YAML parser against the fields
of the Kubernetes API they use (batch/v1 Job, its pod template,
containers, volumes), then print each container's shell command, one
JSON line per container: {"job", "completions", "script", "env"}.

usage: check_k8s.py FILE.yaml...
"""
import json
import re
import sys

import yaml

errors = []
QUANTITY = re.compile(r"^[0-9]+(\.[0-9]+)?(m|k|M|G|T|Ki|Mi|Gi|Ti)?$")
ALLOWED = {
    "job": {"apiVersion", "kind", "metadata", "spec"},
    "metadata": {"name", "namespace", "labels", "annotations"},
    "jobspec": {"completionMode", "completions", "parallelism",
                "backoffLimit", "template", "ttlSecondsAfterFinished",
                "activeDeadlineSeconds"},
    "template": {"metadata", "spec"},
    "podspec": {"restartPolicy", "containers", "volumes",
                "securityContext", "serviceAccountName"},
    "container": {"name", "image", "command", "args", "env", "resources",
                  "volumeMounts", "securityContext", "workingDir"},
    "env": {"name", "value"},
    "resources": {"requests", "limits"},
    "mount": {"name", "mountPath", "readOnly", "subPath"},
    "volume": {"name", "persistentVolumeClaim", "secret", "emptyDir"},
    "pvc": {"claimName", "readOnly"},
    "secret": {"secretName", "defaultMode", "items"},
}


def fields(where, obj, kind):
    if not isinstance(obj, dict):
        errors.append(f"{where}: not a mapping")
        return {}
    for k in obj:
        if k not in ALLOWED[kind]:
            errors.append(f"{where}: unknown field {k}")
    return obj


def need(where, obj, key, types):
    if key not in obj or not isinstance(obj[key], types):
        errors.append(f"{where}: {key} missing or not {types}")
        return None
    return obj[key]


def container(where, c, volumes, out, job, completions):
    fields(where, c, "container")
    need(where, c, "name", str)
    need(where, c, "image", str)
    cmd = need(where, c, "command", list) or []
    args = c.get("args", [])
    if not all(isinstance(x, str) for x in cmd + args):
        errors.append(f"{where}: command and args must be strings")
    env = {}
    for e in c.get("env", []):
        fields(f"{where}.env", e, "env")
        if need(f"{where}.env", e, "name", str) and \
                need(f"{where}.env", e, "value", str):
            env[e["name"]] = e["value"]
    res = fields(f"{where}.resources", c.get("resources", {}), "resources")
    for part in res.values():
        for k, v in part.items():
            if k not in ("cpu", "memory") or not QUANTITY.match(str(v)):
                errors.append(f"{where}.resources: bad {k}: {v}")
    for m in c.get("volumeMounts", []):
        fields(f"{where}.volumeMounts", m, "mount")
        if m.get("name") not in volumes:
            errors.append(f"{where}: mount of undeclared volume {m}")
        if not str(m.get("mountPath", "")).startswith("/"):
            errors.append(f"{where}: mountPath must be absolute: {m}")
    if cmd[:2] == ["/bin/sh", "-c"] and len(args) == 1:
        out.append({"job": job, "completions": completions,
                    "script": args[0], "env": env})
    else:
        errors.append(f"{where}: expected /bin/sh -c and one script")


def job(where, doc, out):
    fields(where, doc, "job")
    if doc.get("apiVersion") != "batch/v1" or doc.get("kind") != "Job":
        errors.append(f"{where}: not a batch/v1 Job")
    name = need(where, fields(f"{where}.metadata", doc.get("metadata", {}),
                              "metadata"), "name", str)
    spec = fields(f"{where}.spec", doc.get("spec", {}), "jobspec")
    completions = spec.get("completions", 1)
    if spec.get("completionMode", "NonIndexed") not in ("Indexed",
                                                        "NonIndexed"):
        errors.append(f"{where}: bad completionMode")
    if spec.get("completionMode") == "Indexed" and "completions" not in spec:
        errors.append(f"{where}: an Indexed Job needs completions")
    for k in ("completions", "parallelism", "backoffLimit"):
        if k in spec and (not isinstance(spec[k], int) or spec[k] < 0):
            errors.append(f"{where}: {k} must be a count")
    tpl = fields(f"{where}.template", spec.get("template", {}), "template")
    pod = fields(f"{where}.pod", tpl.get("spec", {}), "podspec")
    if pod.get("restartPolicy") not in ("Never", "OnFailure"):
        errors.append(f"{where}: a Job's pods restart Never or OnFailure")
    volumes = {}
    for v in pod.get("volumes", []):
        fields(f"{where}.volumes", v, "volume")
        if "persistentVolumeClaim" in v:
            need(where, fields(f"{where}.pvc", v["persistentVolumeClaim"],
                               "pvc"), "claimName", str)
        if "secret" in v:
            s = fields(f"{where}.secret", v["secret"], "secret")
            need(where, s, "secretName", str)
            mode = s.get("defaultMode", 0o644)
            if not isinstance(mode, int) or not 0 <= mode <= 0o777:
                errors.append(f"{where}: defaultMode {mode}")
        volumes[v.get("name")] = v
    used = set()
    for c in need(where, pod, "containers", list) or []:
        container(f"{where}.{c.get('name')}", c, volumes, out, name,
                  completions)
        used |= {m.get("name") for m in c.get("volumeMounts", [])}
    for v in set(volumes) - used:
        errors.append(f"{where}: volume {v} is never mounted")


out = []
for path in sys.argv[1:]:
    with open(path, encoding="utf-8") as f:
        for i, doc in enumerate(yaml.safe_load_all(f)):
            if doc is not None:
                job(f"{path}#{i}", doc, out)
for s in out:
    # an Indexed Job that deals every N-th file must deal by completions
    m = re.search(r"NR % ([0-9]+) ==", s["script"])
    if m and int(m.group(1)) != s["completions"]:
        errors.append(f"{s['job']}: deals by {m.group(1)}, completions "
                      f"{s['completions']}")
for e in errors:
    print(e, file=sys.stderr)
if errors:
    sys.exit(1)
for s in out:
    print(json.dumps(s))
