"""The embedding API: an Engine per rule base, and `assess` for the common case."""

from __future__ import annotations

from functools import cache, cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from engine.case.loader import STDIN, parse_case_text, read_case_bytes, validate_case
from engine.case.model import build_case_model
from engine.errors import CaseError
from engine.knowledge.rulebase import RuleBase, load_rulebase
from engine.reasoning.assembly import assemble
from engine.reasoning.assessment import Assessment
from engine.reasoning.facts import case_facts
from engine.reasoning.reasoner import Reasoner

if TYPE_CHECKING:
    from engine.reports.why import Answer
    from engine.workflow.comparison import Comparison

CaseInput = BaseModel | dict[str, Any] | str | Path


class Engine:
    """A loaded, validated and compiled rule base. Thread-safe; build one and reuse it.

    Building one over rule files an earlier process already loaded reads them from the rule-base cache
    (engine.knowledge.cache: their parsed data, validated again; off with KINETIC_CHAIN_NO_CACHE=1), which
    skips the YAML parse and the load checks; the engine and everything it produces are the same."""

    def __init__(self, rules_dir: Path | str | None = None) -> None:
        self.rulebase: RuleBase = load_rulebase(rules_dir)
        self.case_model: type[BaseModel] = build_case_model(self.rulebase.vocabulary)
        self.reasoner = Reasoner(self.rulebase)

    @cached_property
    def case_schema(self) -> dict[str, Any]:
        """The case-file contract as JSON Schema (what `kinetic-chain schema` prints)."""
        return self.case_model.model_json_schema()

    def load_case(self, case: CaseInput) -> BaseModel:
        """A validated case from a path ('-' for stdin), a dict or a Case; raises CaseError naming the field."""
        if isinstance(case, self.case_model):
            return case
        if isinstance(case, dict):
            return validate_case(self.case_model, case, str(case.get("case_id", "<case>")))
        if isinstance(case, BaseModel):
            return validate_case(self.case_model, case.model_dump(exclude_none=True), "<case>")
        if not isinstance(case, str | Path):
            got = type(case).__name__
            raise CaseError("<case>", None, f"expected a case file path, a mapping or a Case, got {got}")
        source = "<stdin>" if str(case) == STDIN else str(case)
        return validate_case(self.case_model, parse_case_text(read_case_bytes(case), source), source)

    def assess(self, case: CaseInput, explain: bool = False) -> Assessment:
        """The assessment of one case. With `explain`, it also carries the explanation graph and the rule
        texts in its JSON (reports and `explain` build the graph themselves when they need it)."""
        return self._assess(case, explain=explain)

    def _assess_compact(self, case: CaseInput) -> Assessment:
        """An assessment holding only what its compact JSON (`to_json()` without explain) writes, for a batch
        that writes nothing else: the same bytes, without building the explanation material it leaves out."""
        return self._assess(case, compact=True)

    def _assess(self, case: CaseInput, explain: bool = False, compact: bool = False) -> Assessment:
        valid = self.load_case(case)
        derivation = self.reasoner.run(case_facts(valid, self.rulebase.vocabulary))
        return assemble(valid, derivation, self.rulebase, explain=explain, compact=compact)

    def compare(self, before: CaseInput, after: CaseInput) -> Comparison:
        """Two visits of one runner compared in visit_date order: outcomes against their MCID, measurements
        against their MDC. Raises CaseError for an invalid case, VisitMismatchError for different case ids."""
        from engine.workflow.comparison import compare

        return compare(before, after, self)

    def explain(self, case: CaseInput | Assessment, intervention: str, side: str | None = None) -> Answer:
        """Why an intervention was recommended, or why not (withheld or blocked), for a case or an assessment
        already made. The answer's `found` is False when the case never proposed it."""
        from engine.reports.why import explain

        assessment = case if isinstance(case, Assessment) else self.assess(case)
        return explain(assessment, intervention, side)


@cache
def default_engine() -> Engine:
    """The engine over the bundled rule base, built once per process."""
    return Engine()


def assess(case: CaseInput, explain: bool = False) -> Assessment:
    """Assess one case (path, dict or Case) with the bundled rule base."""
    return default_engine().assess(case, explain=explain)


def compare(before: CaseInput, after: CaseInput) -> Comparison:
    """Compare two visits with the bundled rule base (see Engine.compare)."""
    return default_engine().compare(before, after)
