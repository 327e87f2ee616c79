"""The Great Expectations side of a table scan: one metric that runs the scan's query once, and one
expectation per rule that reads its rule's rows from that metric.

GX's own `UnexpectedRowsExpectation` depends on two metrics, `unexpected_rows_query.table` (the query,
at most 200 rows fetched) and `unexpected_rows_query.row_count` (`SELECT COUNT(*) FROM (query)`), so every
query runs twice. `RuleHolds` subclasses it and depends on one metric instead, `rule_scan.rows`, whose
value is the whole answer of the scan's query: per failed rule its exact count and its first examples
(expectations.scans writes that query, bounded by MAX_EXAMPLES rows per rule, so fetching every row is
safe). All rules of one table carry the same query, so their metric configurations are equal and GX's
validation graph resolves the metric once: one query per table, whatever the number of its rules.

What stays GX's: the suite, the batch and its `{batch}` substitution, severity, the validation result
(`observed_value` = the count, `details.unexpected_rows` = the examples) and its failure handling: an error
inside the metric reaches every expectation that depends on it through `exception_info`, which the runner
turns into `internal.expectation_error`, never into a pass or into bad data. (GX retries a metric that
raised, up to three times: a failing query may run again; an answering one runs once.)
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from great_expectations.core.metric_domain_types import MetricDomainTypes
from great_expectations.execution_engine import SqlAlchemyExecutionEngine
from great_expectations.expectations import UnexpectedRowsExpectation
from great_expectations.expectations.metrics.metric_provider import metric_value
from great_expectations.expectations.metrics.query_metric_provider import QueryMetricProvider

if TYPE_CHECKING:
    from great_expectations.core import ExpectationValidationResult
    from great_expectations.execution_engine import ExecutionEngine

SCAN_METRIC = "rule_scan.rows"


class RuleScanRows(QueryMetricProvider):
    """Every row of the scan's query: (rule, example_key, value_1, value_2, offending)."""

    metric_name = SCAN_METRIC
    value_keys = ("unexpected_rows_query",)
    query_param_name: ClassVar[str] = "unexpected_rows_query"

    @metric_value(engine=SqlAlchemyExecutionEngine)
    def _sqlalchemy(
        cls,
        execution_engine: SqlAlchemyExecutionEngine,
        metric_domain_kwargs: dict,
        metric_value_kwargs: dict,
        metrics: dict[str, Any],
        runtime_configuration: dict,
    ) -> list[dict]:
        batch_selectable, _, _ = execution_engine.get_compute_domain(
            metric_domain_kwargs, domain_type=MetricDomainTypes.TABLE
        )
        query = cls._get_substituted_batch_subquery_from_query_and_batch_selectable(
            query=cls._get_query_from_metric_value_kwargs(metric_value_kwargs),
            batch_selectable=batch_selectable,
            execution_engine=execution_engine,
        )
        # fetch_all: the query returns at most MAX_EXAMPLES rows per rule (GX's default stops at 200).
        return cls._get_sqlalchemy_records_from_substituted_batch_subquery(
            substituted_batch_subquery=query, execution_engine=execution_engine, fetch_all=True
        )


class RuleHolds(UnexpectedRowsExpectation):
    """One rule on one table: succeeds when the table's scan reports no row for `rule`."""

    rule: str
    metric_dependencies: ClassVar[tuple[str, ...]] = (SCAN_METRIC,)
    success_keys: ClassVar[tuple[str, ...]] = ("unexpected_rows_query", "rule")

    def _validate(
        self,
        metrics: dict,
        runtime_configuration: dict | None = None,
        execution_engine: ExecutionEngine | None = None,
    ) -> ExpectationValidationResult | dict:
        rows = [row for row in metrics[SCAN_METRIC] if row.get("rule") == self.rule]
        count = int(rows[0]["offending"]) if rows else 0
        return {
            "success": count == 0,
            "result": {"observed_value": count, "details": {"unexpected_rows": rows}},
        }
