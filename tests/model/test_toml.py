"""
Tests for L{coherence_lite.model._toml}: the typed TOML reader, directly and
through the device files it reads (bytes that are not UTF-8 TOML, unknown
keys, values of the wrong type, each named by its dotted key with a hint).
"""

from __future__ import annotations

import datetime

from twisted.trial.unittest import SynchronousTestCase

from coherence_lite.model._toml import Table, describe, header, parseTOML
from coherence_lite.model.devicefile import ConfigError, deviceFromMapping

from tests.support.devicefile import DEEP, EMBEDDED, MINIMAL, WITH_SERVICE, DeviceFileTestCase


class _Reader:
    """
    The reader of a document in memory: its errors are L{ValueError}s
    carrying the key and the reason, and the key C{fixed} cannot be set.
    """

    def error(self, key: str, reason: str) -> Exception:
        """
        A L{ValueError} of C{(key, reason)}.
        """
        return ValueError(key, reason)

    def unsettable(self, name: str) -> str | None:
        """
        Why C{fixed} cannot be set; nothing for other keys.
        """
        return "it is fixed" if name == "fixed" else None


class TableTests(SynchronousTestCase):
    """
    L{Table} reads typed values and raises its reader's errors, named by
    dotted key.
    """

    def table(self, data: dict[str, object], allowed: tuple[str, ...] = ("a", "b", "a b")) -> Table[_Reader]:
        """
        The table C{top} holding C{data}.
        """
        return Table(_Reader(), "top", data, allowed)

    def keyAndReason(self, error: ValueError) -> tuple[str, str]:
        """
        The key and reason a L{_Reader} error carries.
        """
        key, reason = error.args
        return key, reason

    def test_errorsAreTheReadersAndNameTheDottedKey(self) -> None:
        """
        A value of the wrong type raises the reader's exception, with the
        key under the table's own and a reason naming the TOML type found.
        """
        error = self.assertRaises(ValueError, self.table({"a": 1}).text, "a")
        self.assertEqual(self.keyAndReason(error), ("top.a", 'must be a string, not an integer; write it in quotes: a = "1"'))

    def test_keysTOMLWouldQuoteAreQuoted(self) -> None:
        """
        Keys that are not bare TOML keys are written quoted, and array
        elements with their index.
        """
        table = self.table({})
        self.assertEqual(table.keyOf("a b"), 'top."a b"')
        self.assertEqual(table.keyOf("a", 2), "top.a[2]")
        self.assertEqual(Table(_Reader(), "", {}, ()).keyOf("a"), "a")

    def test_unknownKeySuggestsOrExplains(self) -> None:
        """
        An unknown key is an error when the table is built: it suggests a
        close allowed key, or gives the reader's explanation for a key that
        cannot be set.
        """
        error = self.assertRaises(ValueError, self.table, {"A": 1})
        self.assertEqual(self.keyAndReason(error), ("top.A", "unknown key; did you mean 'a'? allowed keys here: a, b, a b"))
        error = self.assertRaises(ValueError, self.table, {"Fixed": 1})
        self.assertEqual(self.keyAndReason(error), ("top.Fixed", "cannot be set: it is fixed"))

    def test_nestedTablesShareTheReader(self) -> None:
        """
        Tables read from a table and from an array of tables carry their
        dotted keys and the same reader.
        """
        table = self.table({"a": {"b": 1}, "b": [{"a": 2}, {"b": 3}]})
        inner = table.table("a", ("b",))
        assert inner is not None
        self.assertEqual((inner.key, inner.integer("b")), ("top.a", 1))
        self.assertEqual([(t.key, t.reader) for t in table.tables("b", ("a", "b"))], [("top.b[0]", table.reader), ("top.b[1]", table.reader)])
        self.assertIsNone(table.table("a b", ()))
        self.assertEqual(table.tables("a b", ()), [])

    def test_upnpValuesAreStrings(self) -> None:
        """
        L{Table.upnpValue} spells numbers and booleans as UPnP does, and
        refuses a boolean where none is allowed.
        """
        table = self.table({"a": True, "b": 2.5})
        self.assertEqual(table.upnpValue("a", allowBoolean=True), "1")
        self.assertEqual(table.upnpValue("b", allowBoolean=False), "2.5")
        error = self.assertRaises(ValueError, table.upnpValue, "a", allowBoolean=False)
        self.assertEqual(self.keyAndReason(error), ("top.a", "must be a string or a number, not a boolean"))

    def test_headerDropsArrayIndexes(self) -> None:
        """
        The table header of a dotted key is the key without its indexes.
        """
        self.assertEqual(header("device.device[0].service[12]"), "device.device.service")

    def test_describeNamesTheTOMLType(self) -> None:
        """
        L{describe} names every TOML type, and anything else by its class.
        """
        values = [True, 1, 1.5, "x", {}, [], None, datetime.date(2024, 1, 1), b"x"]
        self.assertEqual(
            [describe(value) for value in values],
            ["a boolean", "an integer", "a float", "a string", "a table", "an array", "nothing", "a date or time", "a bytes"],
        )

    def test_parseTOMLErrorsComeFromTheFactory(self) -> None:
        """
        L{parseTOML} reads UTF-8 TOML, with or without a byte order mark,
        and raises what the given factory makes for anything else.
        """
        self.assertEqual(parseTOML(b"\xef\xbb\xbfa = 1\n", ValueError), {"a": 1})
        error = self.assertRaises(ValueError, parseTOML, b"a = \xff\n", ValueError)
        self.assertEqual(error.args, ("is not UTF-8 text (byte 0xff on line 1); save it as UTF-8",))
        error = self.assertRaises(ValueError, parseTOML, b"a = = 1\n", ValueError)
        self.assertIn("is not valid TOML", error.args[0])


class FileErrorTests(DeviceFileTestCase):
    """
    Files that are not UTF-8 TOML are L{ConfigError}s with an empty key.
    """

    def test_notUTF8SaysTheLine(self) -> None:
        """
        A file that is not UTF-8 is an error naming the line of the first bad byte.
        """
        self.loadError(
            MINIMAL.encode("utf-8") + b'serialNumber = "caf\xe9"\n',
            "",
            "UTF-8",
            "line 6",
        )

    def test_tomlSyntaxErrorSaysLineAndColumn(self) -> None:
        """
        A TOML syntax error names the line and column.
        """
        self.loadError(
            MINIMAL + "modelNumber = 3000 3000\n",
            "",
            "not valid TOML",
            "line 6, column",
        )

    def test_deeplyNestedArraysAreASyntaxError(self) -> None:
        """
        Arrays nested too deep for the parser are a TOML error, not a crash.
        """
        self.loadError("x = " + "[" * 5000 + "]" * 5000 + "\n", "", "not valid TOML")


class StructureErrorTests(DeviceFileTestCase):
    """
    Missing tables, unknown keys and wrong types name their key.
    """

    def test_missingDeviceTable(self) -> None:
        """
        A file without C{[device]} says that table is missing.
        """
        self.loadError("", "device", "is missing", "[device]")

    def test_deviceIsNotATable(self) -> None:
        """
        C{device} as a plain value is an error saying it must be a table.
        """
        self.loadError('device = "Jambon"\n', "device", "must be a table, not a string")

    def test_deviceArrayOfTablesSaysSingleTable(self) -> None:
        """
        C{[[device]]} is an error that says to write a single C{[device]} table.
        """
        self.loadError(MINIMAL.replace("[device]", "[[device]]"), "device", "single [device]")

    def test_unknownTopLevelKey(self) -> None:
        """
        An unknown top-level key is an error that lists C{device} as the allowed one.
        """
        self.loadError("colour = 1\n" + MINIMAL, "colour", "unknown key", "device")

    def test_unknownDeviceKeyListsTheAllowedOnes(self) -> None:
        """
        An unknown device key is an error that lists the allowed keys.
        """
        error = self.loadError(MINIMAL + 'colour = "red"\n', "device.colour", "unknown key")
        for key in ("deviceType", "friendlyName", "UDN", "presentationURL", "icon", "service"):
            self.assertIn(key, error.reason)

    def test_misspeltKeySuggestsTheRightOne(self) -> None:
        """
        A key close to an allowed one, in case or spelling, suggests it.
        """
        self.loadError(MINIMAL + 'udn = "x"\n', "device.udn", "did you mean 'UDN'?")
        self.loadError(
            MINIMAL + 'serialNumbr = "x"\n', "device.serialNumbr", "did you mean 'serialNumber'?"
        )

    def test_unknownKeyDeepInsideNamesTheFullPath(self) -> None:
        """
        An unknown key deep in the tree is named by its full dotted key, indexes
        included.
        """
        text = DEEP.format(direction="in").replace(
            'name = "C"\n', 'name = "C"\ncolour = "red"\n'
        )
        self.loadError(
            text,
            "device.service[1].action[0].argument[2].colour",
            "allowed keys here: name, direction, relatedStateVariable",
        )

    def test_quotedUnknownKeyIsQuotedInThePath(self) -> None:
        """
        A key that needs quotes in TOML is quoted in the error's key.
        """
        self.loadError(MINIMAL + '"friendly name" = "x"\n', 'device."friendly name"', "unknown key")

    def test_serviceURLsCannotBeSet(self) -> None:
        """
        Setting a URL the host chooses itself is an error that says so.
        """
        self.loadError(
            WITH_SERVICE.replace(
                'serviceId = "urn:boucherie.example.com:serviceId:Jambon"\n',
                'serviceId = "urn:boucherie.example.com:serviceId:Jambon"\n'
                'controlURL = "/jambon"\n',
            ),
            "device.service[0].controlURL",
            "chooses SCPDURL, controlURL and eventSubURL itself",
        )

    def test_missingRequiredDeviceKeys(self) -> None:
        """
        Each of the four required device keys is named when it is missing.
        """
        for key in ("deviceType", "friendlyName", "manufacturer", "modelName"):
            text = "\n".join(line for line in MINIMAL.splitlines() if not line.startswith(key))
            self.loadError(text, f"device.{key}", "is required but missing")

    def test_missingRequiredNestedKeys(self) -> None:
        """
        Required keys of services, arguments and state variables are named by their full
        key when missing.
        """
        cases = {
            'serviceType = "urn:boucherie.example.com:service:Jambon:1"\n': (
                "device.service[0].serviceType"
            ),
            'relatedStateVariable = "Slices"\n': (
                "device.service[0].action[0].argument[0].relatedStateVariable"
            ),
            'dataType = "ui4"\n': "device.service[0].stateVariable[0].dataType",
        }
        for line, key in cases.items():
            self.loadError(WITH_SERVICE.replace(line, ""), key, "is required but missing")

    def test_missingRangeMinimum(self) -> None:
        """
        An allowed range without minimum is an error on C{minimum}.
        """
        self.loadError(
            WITH_SERVICE + "allowedValueRange = { maximum = 9 }\n",
            "device.service[0].stateVariable[0].allowedValueRange.minimum",
            "is required but missing",
        )

    def test_numberForTextSaysToQuoteIt(self) -> None:
        """
        A number where text is expected is an error that shows the quoted spelling.
        """
        self.loadError(
            MINIMAL + "modelNumber = 3000\n",
            "device.modelNumber",
            "must be a string, not an integer",
            'write it in quotes: modelNumber = "3000"',
        )

    def test_dateForTextIsAWrongType(self) -> None:
        """
        A TOML date where text is expected is named as a date.
        """
        self.loadError(
            MINIMAL + "serialNumber = 1979-05-27\n",
            "device.serialNumber",
            "not a date or time",
        )

    def test_emptyOptionalTextSaysToLeaveTheKeyOut(self) -> None:
        """
        An empty optional text is an error that says to leave the key out.
        """
        self.loadError(
            MINIMAL + 'modelURL = ""\n',
            "device.modelURL",
            "must not be empty",
            "leave the key out",
        )

    def test_quotedBooleanSaysToDropTheQuotes(self) -> None:
        """
        A quoted boolean is an error that says to write it without quotes.
        """
        self.loadError(
            WITH_SERVICE + 'sendEvents = "yes"\n',
            "device.service[0].stateVariable[0].sendEvents",
            "must be true or false, not a string",
            "without quotes",
        )

    def test_defaultIconsMustBeABoolean(self) -> None:
        """
        C{defaultIcons} must be a boolean, not a number.
        """
        self.loadError(
            MINIMAL + "defaultIcons = 0\n",
            "device.defaultIcons",
            "must be true or false",
        )

    def test_singleServiceTableSaysToUseDoubleBrackets(self) -> None:
        """
        C{[device.service]} is an error that says to write C{[[device.service]]}.
        """
        self.loadError(
            MINIMAL + '[device.service]\nserviceType = "x"\n',
            "device.service",
            "must be an array of tables, not a table",
            "[[device.service]]",
        )

    def test_embeddedDoubleBracketHintHasNoIndexes(self) -> None:
        """
        The header suggested for an embedded device's tables has no array indexes.
        """
        self.loadError(
            EMBEDDED + "[device.device.action]\n",
            "device.device[1].action",
            "unknown key",
        )
        self.loadError(
            EMBEDDED + "service = 1\n",
            "device.device[1].service",
            "[[device.device.service]]",
        )

    def test_arrayElementThatIsNotATable(self) -> None:
        """
        An array element that is not a table is an error on that element.
        """
        self.loadError(
            MINIMAL + "icon = [1]\n",
            "device.icon[0]",
            "must be a table, not an integer",
        )

    def test_allowedValuesMustBeAnArrayOfStrings(self) -> None:
        """
        Allowed values must be an array, and each element a string, named by its index.
        """
        prefix = "device.service[0].stateVariable[0]"
        self.loadError(
            WITH_SERVICE + 'allowedValues = "a"\n',
            f"{prefix}.allowedValues",
            "array of strings",
        )
        self.loadError(
            WITH_SERVICE + 'allowedValues = ["a", 1]\n',
            f"{prefix}.allowedValues[1]",
            "must be a string",
        )

    def test_defaultValueOfAnotherType(self) -> None:
        """
        A default value that is neither a string, a number nor a boolean is an error
        saying what it is.
        """
        self.loadError(
            WITH_SERVICE + "defaultValue = [1]\n",
            "device.service[0].stateVariable[0].defaultValue",
            "must be a string, a number or a boolean, not an array",
        )

    def test_defaultValueMustBeFinite(self) -> None:
        """
        An infinite default value is refused.
        """
        self.loadError(
            WITH_SERVICE + "defaultValue = inf\n",
            "device.service[0].stateVariable[0].defaultValue",
            "finite number",
        )

    def test_rangeValuesMustNotBeBooleans(self) -> None:
        """
        Range bounds may be numbers or strings, not booleans.
        """
        self.loadError(
            WITH_SERVICE + "allowedValueRange = { minimum = true, maximum = 9 }\n",
            "device.service[0].stateVariable[0].allowedValueRange.minimum",
            "must be a string or a number, not a boolean",
        )

    def test_allowedValueRangeMustBeATable(self) -> None:
        """
        An allowed range written as an array is an error saying it must be a table.
        """
        self.loadError(
            WITH_SERVICE + "allowedValueRange = [0, 9]\n",
            "device.service[0].stateVariable[0].allowedValueRange",
            "must be a table, not an array",
        )

    def test_deviceFromMappingRejectsANonMapping(self) -> None:
        """
        L{deviceFromMapping} of something that is not a mapping is an error on the whole
        document.
        """
        error = self.assertRaises(ConfigError, deviceFromMapping, [1], "<memory>", "host")
        self.assertEqual((error.path, error.key), ("<memory>", ""))
