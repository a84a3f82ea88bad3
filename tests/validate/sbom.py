#!/usr/bin/env python3
"""Validates SBOM documents written by `flakegate sbom`.

    python3 tests/validate/sbom.py FILE...

Each FILE is CycloneDX or SPDX JSON (recognised by its content):

- CycloneDX 1.6: the official JSON schema, strict variant (no unknown
  fields), through cyclonedx-python-lib's JsonStrictValidator.
- SPDX 2.3: the SPDX project's own parser and validator (spdx-tools, what
  `pyspdxtools -i FILE` runs).
- Both: semantic checks the schemas cannot express: unique references,
  every dependency reference defined, the root described exactly once,
  dates in SPDX's form.
- NTIA minimum elements: SPDX through `ntia-conformance-checker`; CycloneDX
  (which that checker does not read) by the same elements: a name, version,
  supplier and identifier on every component, a timestamp, an author (the
  tool), and the dependency graph with its completeness (`compositions`).
- Readers: lib4sbom's parser and cve-bin-tool's SBOM parser must read every
  component; CycloneDX also through the npm CycloneDX library's strict JSON
  validator (tests/validate/cyclonedx-strict.mjs) and with the fields
  sbomnix's vulnxscan reads (name, version, purl: it is not on PyPI, so its
  reader's needs are checked here).

Exit status: 0 all valid, 1 a document is invalid (each problem is printed),
3 a validator package is missing (scripts/setup.sh installs them all).
"""

import json
import os
import re
import shutil
import subprocess
import sys

MISSING = 3


def cyclonedx_problems(path, doc, text):
    try:
        from cyclonedx.schema import SchemaVersion
        from cyclonedx.validation.json import JsonStrictValidator
    except ImportError as e:
        print(f"{path}: cyclonedx-python-lib[json-validation] is not installed ({e})")
        sys.exit(MISSING)
    problems = []
    if doc.get("specVersion") != "1.6":
        problems.append(f"specVersion is {doc.get('specVersion')!r}, not '1.6'")
    error = JsonStrictValidator(SchemaVersion.V1_6).validate_str(text)
    if error is not None:
        problems.append(f"CycloneDX 1.6 schema: {error}")

    root = doc.get("metadata", {}).get("component")
    components = doc.get("components", [])
    if root is None:
        problems.append("no metadata.component (the root)")
    refs = [c.get("bom-ref") for c in components]
    if root is not None:
        refs.append(root.get("bom-ref"))
    if None in refs:
        problems.append("a component has no bom-ref")
    seen = set()
    for r in refs:
        if r in seen:
            problems.append(f"bom-ref {r!r} is not unique")
        seen.add(r)
    if root is not None and any(c.get("bom-ref") == root.get("bom-ref") for c in components):
        problems.append("the root appears again in components")
    dep_refs = set()
    for d in doc.get("dependencies", []):
        if d["ref"] in dep_refs:
            problems.append(f"dependencies list {d['ref']!r} twice")
        dep_refs.add(d["ref"])
        for r in [d["ref"]] + d.get("dependsOn", []):
            if r not in seen:
                problems.append(f"dependency reference {r!r} is not a defined bom-ref")
    for r in seen - dep_refs:
        problems.append(f"component {r!r} has no dependencies entry")
    # NTIA minimum elements, and what vulnxscan's reader needs.
    for c in components + ([root] if root else []):
        ref = c.get("bom-ref")
        for field in ("name", "version", "purl"):
            if not isinstance(c.get(field), str) or not c.get(field):
                problems.append(f"{ref}: no {field}")
        if not (c.get("supplier") or {}).get("name"):
            problems.append(f"{ref}: no supplier name")
    if not doc.get("metadata", {}).get("timestamp"):
        problems.append("no metadata.timestamp")
    if not doc.get("metadata", {}).get("tools"):
        problems.append("no metadata.tools (the SBOM's author)")
    if not any(c.get("aggregate") == "complete" for c in doc.get("compositions", [])):
        problems.append("no compositions entry saying the graph is complete")
    problems += npm_strict(path)
    ts = doc.get("metadata", {}).get("timestamp")
    if ts is not None and not re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", ts):
        problems.append(f"metadata.timestamp {ts!r} is not YYYY-MM-DDThh:mm:ssZ")
    return problems


def spdx_problems(path, doc):
    try:
        from spdx_tools.spdx.parser.error import SPDXParsingError
        from spdx_tools.spdx.parser.parse_anything import parse_file
        from spdx_tools.spdx.validation.document_validator import validate_full_spdx_document
    except ImportError as e:
        print(f"{path}: spdx-tools is not installed ({e})")
        sys.exit(MISSING)
    problems = []
    if doc.get("spdxVersion") != "SPDX-2.3":
        problems.append(f"spdxVersion is {doc.get('spdxVersion')!r}, not 'SPDX-2.3'")
    created = doc.get("creationInfo", {}).get("created", "")
    if not re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", created):
        problems.append(f"creationInfo.created {created!r} is not YYYY-MM-DDThh:mm:ssZ")
    ids = [p.get("SPDXID") for p in doc.get("packages", [])]
    if len(set(ids)) != len(ids):
        problems.append("package SPDXIDs are not unique")
    defined = set(ids) | {"SPDXRef-DOCUMENT"}
    relationships = doc.get("relationships", [])
    describes = [r for r in relationships if r.get("relationshipType") == "DESCRIBES"]
    if len(describes) != 1 or describes[0].get("spdxElementId") != "SPDXRef-DOCUMENT":
        problems.append(f"expected exactly one DESCRIBES of the document, found {len(describes)}")
    for r in relationships:
        for end in (r.get("spdxElementId"), r.get("relatedSpdxElement")):
            if end not in defined:
                problems.append(f"relationship end {end!r} is not a defined SPDXID")
    refs = {e.get("licenseId") for e in doc.get("hasExtractedLicensingInfos", [])}
    for p in doc.get("packages", []):
        for lic in re.findall(r"LicenseRef-[A-Za-z0-9.\-]+", p.get("licenseDeclared", "")):
            if lic not in refs:
                problems.append(f"{p.get('SPDXID')}: {lic} has no hasExtractedLicensingInfos entry")

    # The SPDX project's parser (which checks fields and types) and validator.
    try:
        parsed = parse_file(path)
    except SPDXParsingError as e:
        return problems + [f"SPDX parser: {m}" for m in e.get_messages()]
    for m in validate_full_spdx_document(parsed, "SPDX-2.3"):
        problems.append(f"SPDX validator: {m.validation_message}")
    return problems + ntia(path)


def ntia(path):
    """ntia-conformance-checker's verdict on an SPDX document."""
    exe = shutil.which("ntia-checker")
    if exe is None:
        print(f"{path}: ntia-conformance-checker is not installed")
        sys.exit(MISSING)
    out = subprocess.run([exe, "-r", "json", path], capture_output=True, text=True)
    try:
        verdict = json.loads(out.stdout)
    except json.JSONDecodeError:
        return [f"ntia-checker: unreadable output: {out.stdout[:300]}{out.stderr[:300]}"]
    if verdict.get("isNtiaConformant"):
        return []
    return [f"NTIA minimum elements: {verdict}"]


def npm_strict(path):
    """The npm CycloneDX library's strict JSON validator."""
    node = shutil.which("node")
    script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "cyclonedx-strict.mjs")
    if node is None:
        print(f"{path}: node is not installed")
        sys.exit(MISSING)
    out = subprocess.run([node, script, path], capture_output=True, text=True)
    if out.returncode == MISSING:
        print(f"{path}: {out.stdout.strip()}")
        sys.exit(MISSING)
    if out.returncode != 0:
        return [f"npm @cyclonedx/cyclonedx-library: {out.stdout.strip()} {out.stderr.strip()}"]
    return []


def readers(path, kind, expected):
    """lib4sbom and cve-bin-tool must read every component. Both key a
    package by name and version (a source and the package built from it
    share both, and are one package to them), so `expected` counts distinct
    name/version pairs; a document of the root alone is not read by either
    (lib4sbom then has no "packages"), so it is not asked of them."""
    if expected <= 1:
        return []
    try:
        from lib4sbom.parser import SBOMParser
        from cve_bin_tool.sbom_manager.parse import SBOMParse
    except ImportError as e:
        print(f"{path}: lib4sbom or cve-bin-tool is not installed ({e})")
        sys.exit(MISSING)
    problems = []
    try:
        p = SBOMParser()
        p.parse_file(path)
        got = len(p.get_packages())
        if got < expected - 1:
            problems.append(f"lib4sbom read {got} packages of {expected}")
    except Exception as e:  # noqa: BLE001 - any failure to read is the finding
        problems.append(f"lib4sbom cannot read it: {e!r}")
    try:
        modules = SBOMParse(path, sbom_type=kind).parse_cyclonedx_spdx()
        if len(modules) < expected - 1:
            problems.append(f"cve-bin-tool read {len(modules)} components of {expected}")
    except Exception as e:  # noqa: BLE001
        problems.append(f"cve-bin-tool cannot read it: {e!r}")
    return problems


def distinct(components, version):
    return len({(c.get("name"), c.get(version)) for c in components})


def main(paths):
    if not paths:
        print(__doc__)
        return 2
    failed = False
    for path in paths:
        with open(path, encoding="utf-8") as f:
            text = f.read()
        doc = json.loads(text)
        if doc.get("bomFormat") == "CycloneDX":
            kind, problems = "CycloneDX", cyclonedx_problems(path, doc, text)
            everything = doc.get("components", []) + [doc.get("metadata", {}).get("component", {})]
            problems += readers(path, "cyclonedx", distinct(everything, "version"))
        elif "spdxVersion" in doc:
            kind, problems = "SPDX", spdx_problems(path, doc)
            problems += readers(path, "spdx", distinct(doc.get("packages", []), "versionInfo"))
        else:
            kind, problems = "?", ["neither CycloneDX nor SPDX JSON"]
        if problems:
            failed = True
            for p in problems:
                print(f"{path}: {p}")
        else:
            print(f"{path}: valid {kind}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
