# -*- test-case-name: tests.test_stats -*-
"""
Tests for L{coherence_lite.stats}: the counters, the list of their names
(checked against every place in the package that counts), and periodic
stats lines on a L{Clock}.
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Iterator

from twisted.internet.task import Clock
from twisted.internet.testing import EventLoggingObserver
from twisted.logger import LogLevel, globalLogPublisher
from twisted.trial.unittest import SynchronousTestCase

from coherence_lite.stats import COUNTERS, Stats, StatsMonitor, summary

PACKAGE = Path(__file__).resolve().parent.parent / "coherence_lite"


class _Unresolved(Exception):
    """
    A counter name is built in a way the source reader cannot follow.
    """


class _Module:
    """
    One module's syntax tree, with what resolving counter names needs:
    each node's enclosing function, module-level constants, functions and
    names imported from other modules of the package.
    """

    def __init__(self, path: Path, package: Path = PACKAGE) -> None:
        self.path = path
        self.package = package
        self.tree = ast.parse(path.read_text(encoding="utf-8"))
        self.imported: dict[str, tuple[str, str]] = {}
        for statement in self.tree.body:
            if isinstance(statement, ast.ImportFrom) and statement.module and statement.level == 0:
                for alias in statement.names:
                    self.imported[alias.asname or alias.name] = (statement.module, alias.name)
        self.functionOf: dict[ast.AST, ast.FunctionDef | ast.AsyncFunctionDef] = {}
        for function in ast.walk(self.tree):
            if isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
                for node in ast.walk(function):
                    # Inner functions are walked later and win.
                    self.functionOf[node] = function
        self.constants: dict[str, ast.expr] = {}
        self.functions: dict[str, ast.FunctionDef] = {}
        for statement in self.tree.body:
            if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
                target = statement.targets[0]
                if isinstance(target, ast.Name):
                    self.constants[target.id] = statement.value
            elif isinstance(statement, ast.FunctionDef):
                self.functions[statement.name] = statement

    def where(self, node: ast.AST) -> str:
        """
        C{path:line} of a node, for failure messages.
        """
        return f"{self.path.relative_to(self.package.parent)}:{getattr(node, 'lineno', '?')}"

    def origin(self, name: str) -> tuple[_Module, str] | None:
        """
        The module of the package C{name} was imported from, and its name
        there; L{None} for anything else.
        """
        if name not in self.imported:
            return None
        module, original = self.imported[name]
        parts = module.split(".")
        if parts[0] != self.package.name:
            return None
        path = self.package.parent.joinpath(*parts).with_suffix(".py")
        return (_Module(path, self.package), original) if path.exists() else None

    def calls(self, name: str) -> Iterator[ast.Call]:
        """
        Every call in the module of a function or method called C{name}.
        """
        for node in ast.walk(self.tree):
            if isinstance(node, ast.Call):
                func = node.func
                if (isinstance(func, ast.Name) and func.id == name) or (isinstance(func, ast.Attribute) and func.attr == name):
                    yield node

    def resolve(self, expression: ast.expr, depth: int = 0) -> set[str]:
        """
        Every string C{expression} can be: literals, module constants (and
        the values of a constant dict), conditional expressions, f-strings
        whose parts resolve, parameters (through every call of their
        function in this module) and calls of module functions (through
        their C{return}s).

        @raise _Unresolved: some part cannot be followed.
        """
        if depth > 10:
            raise _Unresolved(f"{self.where(expression)}: too deep")
        if isinstance(expression, ast.Constant) and isinstance(expression.value, str):
            return {expression.value}
        if isinstance(expression, ast.IfExp):
            return self.resolve(expression.body, depth + 1) | self.resolve(expression.orelse, depth + 1)
        if isinstance(expression, ast.JoinedStr):
            results = {""}
            for part in expression.values:
                inner = part.value if isinstance(part, ast.FormattedValue) else part
                values = self.resolve(inner, depth + 1)
                results = {prefix + value for prefix in results for value in values}
            return results
        if isinstance(expression, ast.Name):
            function = self.functionOf.get(expression)
            if function is not None and expression.id in [a.arg for a in function.args.args]:
                return self._parameter(function, expression.id, depth)
            if expression.id in self.constants:
                return self.resolve(self.constants[expression.id], depth + 1)
            origin = self.origin(expression.id)
            if origin is not None:
                module, name = origin
                return module.resolve(ast.Name(name, ast.Load()), depth + 1)
        if isinstance(expression, ast.Call):
            func = expression.func
            if isinstance(func, ast.Name) and func.id in self.functions:
                returns = [n.value for n in ast.walk(self.functions[func.id]) if isinstance(n, ast.Return) and n.value]
                return set().union(*(self.resolve(value, depth + 1) for value in returns))
            if isinstance(func, ast.Name) and (origin := self.origin(func.id)) is not None:
                module, name = origin
                call = ast.Call(ast.Name(name, ast.Load()), expression.args, expression.keywords)
                return module.resolve(call, depth + 1)
            if isinstance(func, ast.Attribute) and func.attr == "get" and isinstance(func.value, ast.Name):
                table = self.constants.get(func.value.id)
                if isinstance(table, ast.Dict) and len(expression.args) == 2:
                    values = {v for value in table.values for v in self.resolve(value, depth + 1)}
                    return values | self.resolve(expression.args[1], depth + 1)
        raise _Unresolved(f"{self.where(expression)}: cannot tell which counter {ast.unparse(expression)} names")

    def _parameter(self, function: ast.FunctionDef | ast.AsyncFunctionDef, name: str, depth: int) -> set[str]:
        parameters = [a.arg for a in function.args.args]
        index = parameters.index(name)
        if parameters and parameters[0] in ("self", "cls"):
            index -= 1
        values: set[str] = set()
        calls = list(self.calls(function.name))
        if not calls:
            raise _Unresolved(f"{self.where(function)}: {function.name} is never called here")
        for call in calls:
            keywords = {k.arg: k.value for k in call.keywords}
            if name in keywords:
                values |= self.resolve(keywords[name], depth + 1)
            elif 0 <= index < len(call.args):
                values |= self.resolve(call.args[index], depth + 1)
            else:
                raise _Unresolved(f"{self.where(call)}: {function.name} called without {name}")
        return values


def _isCounting(call: ast.Call) -> bool:
    """
    Whether C{call} is C{<something>stats.count(...)}: L{Stats.count}, as
    opposed to C{str.count} or other counts.
    """
    func = call.func
    if not (isinstance(func, ast.Attribute) and func.attr == "count" and call.args):
        return False
    owner = func.value
    name = owner.attr if isinstance(owner, ast.Attribute) else owner.id if isinstance(owner, ast.Name) else ""
    return name.lower().endswith("stats")


def countedNames(package: Path = PACKAGE) -> tuple[dict[str, list[str]], list[str]]:
    """
    Read the package's source and find every counter it counts.

    @return: the names counted, each with where; and the counts whose name
        cannot be told from the source.
    """
    counted: dict[str, list[str]] = {}
    unresolved: list[str] = []
    for path in sorted(package.rglob("*.py")):
        module = _Module(path, package)
        for node in ast.walk(module.tree):
            if isinstance(node, ast.Call) and _isCounting(node):
                try:
                    names = module.resolve(node.args[0])
                except _Unresolved as e:
                    unresolved.append(str(e))
                    continue
                for name in names:
                    counted.setdefault(name, []).append(module.where(node))
    return counted, unresolved


class CounterNamesTests(SynchronousTestCase):
    """
    L{COUNTERS} lists exactly the counters the package counts.
    """

    def test_everyCountedNameIsListed(self) -> None:
        """
        Every counter name the package's source counts, literally or
        through constants, parameters and f-strings, is listed with a
        meaning; and every count names its counter in a way the source
        reader can follow.
        """
        counted, unresolved = countedNames()
        self.assertEqual(unresolved, [])
        self.assertEqual({name: where for name, where in counted.items() if name not in COUNTERS}, {})

    def test_everyListedNameIsCounted(self) -> None:
        """
        No listed counter is left over from code that no longer counts it.
        """
        counted, _ = countedNames()
        self.assertEqual(sorted(set(COUNTERS) - set(counted)), [])

    def test_meaningsAreSentences(self) -> None:
        """
        Each meaning is a sentence, and each name is lower-case and dotted.
        """
        for name, meaning in COUNTERS.items():
            self.assertRegex(name, r"^[a-z0-9]+(\.[a-z0-9-]+)+$")
            self.assertTrue(meaning[:1].isupper() and meaning.endswith("."), name)

    def test_theReaderSeesAnUnlistedCounter(self) -> None:
        """
        The check is not blind: a count of an unlisted name, through an
        f-string and a parameter, is found; a name built from something the
        reader cannot follow is reported.
        """
        package = Path(self.mktemp()).resolve() / "made_up"
        package.mkdir(parents=True)
        (package / "counting.py").write_text(
            "class Counter:\n"
            "    def drop(self, reason):\n"
            "        self.stats.count(f'dropped.{reason}')\n"
            "    def go(self, value):\n"
            "        self.drop('made-up')\n"
            "        self._stats.count(value.name)\n"
            "        'x'.count('y')\n",
            encoding="utf-8",
        )
        counted, unresolved = countedNames(package)
        self.assertEqual(list(counted), ["dropped.made-up"])
        self.assertNotIn("dropped.made-up", COUNTERS)
        [problem] = unresolved
        self.assertIn("value.name", problem)


class StatsTests(SynchronousTestCase):
    """
    L{Stats} and L{summary}.
    """

    def test_countsAddUpAndSnapshotsAreSorted(self) -> None:
        """
        Counts add up by name; a snapshot is a sorted copy; an unknown
        counter reads 0.
        """
        stats = Stats()
        stats.count("notify.sent")
        stats.count("datagrams.received", 3)
        stats.count("notify.sent")
        snapshot = stats.snapshot()
        self.assertEqual(list(snapshot.items()), [("datagrams.received", 3), ("notify.sent", 2)])
        stats.count("notify.sent")
        self.assertEqual(snapshot["notify.sent"], 2)
        self.assertEqual(stats["dropped.malformed"], 0)

    def test_summaryIsOneSortedLine(self) -> None:
        """
        A summary is one line of C{name=value} in name order, or C{(none)}.
        """
        self.assertEqual(summary({"dropped.off-link": 3, "datagrams.received": 12}), "datagrams.received=12 dropped.off-link=3")
        self.assertEqual(summary({}), "(none)")


class _BrokenStats(Stats):
    """
    Counters whose snapshot fails the first time only.
    """

    def __init__(self) -> None:
        super().__init__()
        self.failures = 1

    def snapshot(self) -> dict[str, int]:
        """
        Fail once, then give the counters.
        """
        if self.failures:
            self.failures -= 1
            raise RuntimeError("counters unavailable")
        return super().snapshot()


class StatsMonitorTests(SynchronousTestCase):
    """
    L{StatsMonitor} on a L{Clock}, its lines caught by an observer.
    """

    def setUp(self) -> None:
        self.clock = Clock()
        self.events = EventLoggingObserver.createWithCleanup(self, globalLogPublisher)

    def lines(self) -> list[str]:
        """
        The summaries of the stats lines logged so far.
        """
        return [e["summary"] for e in self.events if e.get("log_format") == "Stats: {summary}"]

    def test_logsEveryIntervalAtInfoAndOnStop(self) -> None:
        """
        A line is logged at info level after each interval and once more
        on stop, with the counters as fields; nothing stays scheduled.
        """
        stats = Stats()
        monitor = StatsMonitor(stats, self.clock, 300)
        monitor.startService()
        stats.count("datagrams.received", 12)
        self.clock.advance(299)
        self.assertEqual(self.lines(), [])
        self.clock.advance(1)
        stats.count("dropped.off-link", 3)
        self.clock.advance(300)
        monitor.stopService()
        self.assertEqual(
            self.lines(),
            [
                "datagrams.received=12",
                "datagrams.received=12 dropped.off-link=3",
                "datagrams.received=12 dropped.off-link=3",
            ],
        )
        event = [e for e in self.events if e.get("log_format") == "Stats: {summary}"][0]
        self.assertEqual(event["log_level"], LogLevel.info)
        self.assertEqual(event["counters"], {"datagrams.received": 12})
        self.assertEqual(self.clock.getDelayedCalls(), [])

    def test_failureIsLoggedAndTheLoopGoesOn(self) -> None:
        """
        A failure while logging is logged, and the next interval logs
        again.
        """
        stats = _BrokenStats()
        monitor = StatsMonitor(stats, self.clock, 10)
        monitor.startService()
        self.addCleanup(monitor.stopService)
        stats.count("notify.sent")
        self.clock.advance(10)
        self.assertEqual(len(self.flushLoggedErrors(RuntimeError)), 1)
        self.clock.advance(10)
        self.assertEqual(self.lines(), ["notify.sent=1"])

    def test_zeroIntervalLogsOnlyOnStop(self) -> None:
        """
        With an interval of 0, nothing is scheduled and one line is logged
        on stop.
        """
        stats = Stats()
        monitor = StatsMonitor(stats, self.clock, 0)
        monitor.startService()
        self.assertEqual(self.clock.getDelayedCalls(), [])
        monitor.stopService()
        self.assertEqual(self.lines(), ["(none)"])

    def test_negativeIntervalIsRefused(self) -> None:
        """
        A negative interval is refused.
        """
        self.assertRaises(ValueError, StatsMonitor, Stats(), self.clock, -1)
