"""
coherence-lite's test suite: C{tests/<folder>/test_<module>.py} mirrors the
package (the fast loop), C{tests/system/} holds the slow suite (real
processes, network namespaces, foreign stacks, a browser), C{tests/support/}
the shared helpers.

Property tests check behaviour, not speed: input generation may be slow on
a busy two-core machine, so the suite-wide Hypothesis profile drops the
per-example deadline and the "too slow" health check (speed lives in
C{bench/}).
"""
from hypothesis import HealthCheck, settings

settings.register_profile("coherence-lite", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("coherence-lite")
