#!/usr/bin/env python3
"""A scrape target with fixed values, for comparing two scrapers.

Usage: exporter.py PORT

Serves /metrics on 127.0.0.1:PORT with the official Python client
(python3-prometheus-client): counters, gauges, a histogram, a summary, an
info metric, a state set and a counter with a unit, most of them with labels.
Every value is set once at start-up and never changes, so two scrapers that
scrape it at different moments store the same samples. The registry holds only
these families (no process or platform collectors, whose values move).
The client answers in OpenMetrics when the Accept header offers it, with
_created samples, and in the text format 0.0.4 otherwise.
"""

import signal
import sys

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Enum,
    Gauge,
    Histogram,
    Info,
    Summary,
    start_http_server,
)


def build(registry):
    requests = Counter(
        "peer_requests",
        "HTTP requests served, by method and code.",
        ["method", "code"],
        registry=registry,
    )
    for method, code, n in [
        ("GET", "200", 1027),
        ("GET", "404", 3),
        ("POST", "200", 211),
        ("POST", "500", 2),
        ("PUT", "201", 17.5),
    ]:
        requests.labels(method=method, code=code).inc(n)

    jobs = Counter("peer_jobs_processed", "Jobs processed since start.", registry=registry)
    jobs.inc(4294967296.25)

    sent = Counter(
        "peer_sent_bytes", "Bytes sent to clients.", ["path"], unit="bytes", registry=registry
    )
    sent.labels(path="/").inc(123456789)
    # A label value with every character the exposition formats escape.
    sent.labels(path='/a "quoted" \\ path\nwith a newline').inc(42)

    temperature = Gauge(
        "peer_temperature_celsius", "Room temperature.", ["room"], registry=registry
    )
    for room, value in [("kitchen", 21.5), ("cellar", -3.25), ("attic", 35.0)]:
        temperature.labels(room=room).set(value)

    Gauge("peer_queue_length", "Items waiting in the queue.", registry=registry).set(7)
    Gauge("peer_tiny_ratio", "A very small value.", registry=registry).set(1.5e-9)
    Gauge("peer_huge_value", "A very large value.", registry=registry).set(1.7976931348623157e308)

    latency = Histogram(
        "peer_request_duration_seconds",
        "Request latency.",
        ["handler"],
        buckets=[0.005, 0.05, 0.5, 1, 2.5, 10],
        registry=registry,
    )
    for handler, observations in [
        ("/api", [0.001, 0.002, 0.04, 0.3, 0.3, 0.7, 2.0, 9.0, 12.0]),
        ("/health", [0.0005, 0.0005, 0.001]),
    ]:
        for v in observations:
            latency.labels(handler=handler).observe(v)

    size = Summary(
        "peer_response_size_bytes", "Response sizes.", ["handler"], registry=registry
    )
    for v in [512, 1024, 2048, 4096]:
        size.labels(handler="/api").observe(v)

    Info("peer_build", "Build information.", registry=registry).info(
        {"version": "1.2.3", "revision": "abc123", "branch": "main"}
    )

    state = Enum(
        "peer_state",
        "Service state.",
        states=["starting", "running", "stopping"],
        registry=registry,
    )
    state.state("running")


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: exporter.py PORT")
    registry = CollectorRegistry()
    build(registry)
    start_http_server(int(sys.argv[1]), addr="127.0.0.1", registry=registry)
    # The server runs on a daemon thread; the main thread waits for a signal.
    while True:
        signal.pause()


if __name__ == "__main__":
    main()
