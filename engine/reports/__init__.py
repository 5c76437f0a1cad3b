"""Reports: pure functions of an Assessment (or a Comparison) that render it as text, Markdown, HTML,
graphs and `explain` answers.

One registry of output formats per subject: ASSESSMENT_FORMATS (`assess`, `render`), EXPLAIN_FORMATS
(`explain`) and COMPARE_FORMATS (`compare`). The command line's --format choices are their names. A renderer
imports its module only when its format is rendered, so listing the formats (or importing this package)
loads no report, graph library or FHIR model.

    import engine
    print(engine.render(engine.assess("examples/runner-left-restriction.yaml"), "markdown"))
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

Renderer = Callable[..., str]


class Formats:
    """The output formats of one subject, in the order they were registered: name -> renderer.

    A renderer takes the subject and keyword options; it ignores the options it does not use, so one call
    can serve every format (the command line passes `verbose` whatever the format)."""

    def __init__(self, subject: str) -> None:
        self.subject = subject
        self.renderers: dict[str, Renderer] = {}

    def register(self, name: str) -> Callable[[Renderer], Renderer]:
        def add(renderer: Renderer) -> Renderer:
            self.renderers[name] = renderer
            return renderer

        return add

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(self.renderers)

    def render(self, subject: Any, fmt: str, **options: Any) -> str:
        renderer = self.renderers.get(fmt)
        if renderer is None:
            raise ValueError(f"unknown {self.subject} format '{fmt}'; expected one of: {', '.join(self.names)}")
        return renderer(subject, **options)


ASSESSMENT_FORMATS = Formats("assessment")
EXPLAIN_FORMATS = Formats("explain")
COMPARE_FORMATS = Formats("compare")


def render(assessment: Any, format: str = "text", **options: Any) -> str:
    """The assessment as `format` (one of ASSESSMENT_FORMATS.names); text takes `verbose=`; fhir takes
    `vocabulary=` (the vocabulary of the rule base that assessed it: its codes map the words to FHIR)."""
    return ASSESSMENT_FORMATS.render(assessment, format, **options)


def _vocabulary(fmt: str, vocabulary: Any) -> Any:
    if vocabulary is None:
        raise ValueError(f"format '{fmt}' needs vocabulary= (the vocabulary of the rule base that assessed it)")
    return vocabulary


@ASSESSMENT_FORMATS.register("text")
def _text(assessment: Any, verbose: bool = False, **_: Any) -> str:
    from engine.reports.text import render_text

    return render_text(assessment, verbose=verbose)


@ASSESSMENT_FORMATS.register("json")
def _json(assessment: Any, **_: Any) -> str:
    return assessment.to_json() + "\n"


@ASSESSMENT_FORMATS.register("markdown")
def _markdown(assessment: Any, **_: Any) -> str:
    from engine.reports.markdown import render_markdown

    return render_markdown(assessment)


@ASSESSMENT_FORMATS.register("html")
def _html(assessment: Any, **_: Any) -> str:
    from engine.reports.html import render_html

    return render_html(assessment)


@ASSESSMENT_FORMATS.register("fhir")
def _fhir(assessment: Any, vocabulary: Any = None, **_: Any) -> str:
    from engine.fhir import assessment_bundle

    bundle = assessment_bundle(assessment, _vocabulary("fhir", vocabulary))
    return json.dumps(bundle, indent=2, ensure_ascii=False) + "\n"


@EXPLAIN_FORMATS.register("text")
def _explain_text(answer: Any, **_: Any) -> str:
    from engine.reports.why import render_tree

    return render_tree(answer)


@EXPLAIN_FORMATS.register("dot")
def _explain_dot(answer: Any, **_: Any) -> str:
    from engine.reports.dot import to_dot

    return to_dot(answer.subgraph(), f"why {answer.intervention}")


@EXPLAIN_FORMATS.register("mermaid")
def _explain_mermaid(answer: Any, **_: Any) -> str:
    from engine.reasoning.explanation import node_link
    from engine.reports.mermaid import render_markdown_graph

    return render_markdown_graph(node_link(answer.subgraph()))


@EXPLAIN_FORMATS.register("json")
def _explain_json(answer: Any, **_: Any) -> str:
    from engine.reasoning.explanation import node_link

    payload = {
        "intervention": answer.intervention,
        "targets": answer.targets,
        "paths": answer.paths(),
        "graph": node_link(answer.subgraph()),
    }
    return json.dumps(payload, indent=2, ensure_ascii=False) + "\n"


def _comparison(fmt: str) -> Renderer:
    def renderer(comparison: Any, **_: Any) -> str:
        from engine.reports.compare import RENDERERS

        return RENDERERS[fmt](comparison)

    return renderer


for _fmt in ("text", "json", "html"):
    COMPARE_FORMATS.register(_fmt)(_comparison(_fmt))
