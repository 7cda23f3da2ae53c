"""Sharding a test stage across machines: plan the split, record each shard, combine them.

* :mod:`~gates.stage.shards.plan`: the stage's tests split into N shards, balanced
  by the durations its last JUnit report recorded (else by file), deterministic.
* :mod:`~gates.stage.shards.collect`: the tests pytest collects, as node ids.
* :mod:`~gates.stage.shards.record`: which shard of which plan a shard folder holds.
* :mod:`~gates.stage.shards.combine`: every shard checked, then their coverage data
  and JUnit results combined into the stage's folder as if one job had run them.

docs/sharding.md says how a pipeline uses them.
"""
