"""The wiring: settings from the environment, the `noegletal` command, and the assembly of the parts.

The packages below it each do one thing (warehouse loads and queries data, semantic_layer compiles, intents
parses, assistant answers, web serves HTTP); only this package knows how they are put together for a run.
"""
