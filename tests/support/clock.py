"""A clock for tests: it moves only when told to, or when a fake sleep passes time."""


class FakeClock:
    """Callable like ``time.time``/``time.monotonic``; ``advance`` and ``sleep`` move it, or set ``now``."""

    def __init__(self, now: float = 1_800_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds

    sleep = advance
