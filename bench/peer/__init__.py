"""Adapters that plug Nøgletal into the MetricFlow peer benchmark (../shared/bench/metricflow/)."""
