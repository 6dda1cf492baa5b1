"""
Tests for L{coherence_lite.model.description}: service descriptions
(SCPDs), the configId, and the documents rendered once per configuration.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import replace
from typing import Callable

from defusedxml.ElementTree import fromstring
from twisted.trial.unittest import SynchronousTestCase

from coherence_lite.model.description import (
    MAX_CONFIG_ID,
    Documents,
    Variant,
    buildDocuments,
    computeConfigId,
    deviceDescription,
    serviceDescription,
)
from coherence_lite.model.device import Icon, Service, StateVariable

from tests.support.description import BULB_UDN, LAMP_UDN, D, S, children, jambon, jambonService, lamp, parseSCPD, png, text
from tests.support import JAMBON_UDN


class ServiceDescriptionTests(SynchronousTestCase):
    """
    Tests for L{serviceDescription}.
    """

    def test_scpdElementHasNamespaceAndConfigId(self) -> None:
        """
        The document element is C{scpd} in the service namespace with the
        configId, after an XML declaration.
        """
        data = serviceDescription(jambonService(), 99)
        self.assertTrue(data.startswith(b'<?xml version="1.0" encoding="utf-8"?>'))
        self.assertIn(b'<scpd xmlns="urn:schemas-upnp-org:service-1-0" configId="99">', data)
        document = fromstring(data)
        self.assertEqual(document.tag, S + "scpd")
        self.assertEqual(document.attrib, {"configId": "99"})
        self.assertEqual(children(document), [S + "specVersion", S + "actionList", S + "serviceStateTable"])
        self.assertEqual(text(document, f"{S}specVersion/{S}major"), "1")
        self.assertEqual(text(document, f"{S}specVersion/{S}minor"), "1")

    def test_actionsAndArguments(self) -> None:
        """
        Actions keep their order; arguments have name, direction and
        relatedStateVariable in that order; an action without arguments has
        no argumentList.
        """
        actions = parseSCPD(jambonService()).findall(f"{S}actionList/{S}action")
        self.assertEqual([text(action, S + "name") for action in actions], ["SetThickness", "Slice"])
        self.assertEqual(children(actions[0]), [S + "name", S + "argumentList"])
        arguments = actions[0].findall(f"{S}argumentList/{S}argument")
        self.assertEqual(
            [[(child.tag, child.text) for child in argument] for argument in arguments],
            [
                [(S + "name", "NewThickness"), (S + "direction", "in"), (S + "relatedStateVariable", "Thickness")],
                [(S + "name", "Result"), (S + "direction", "out"), (S + "relatedStateVariable", "Status")],
            ],
        )
        self.assertEqual(children(actions[1]), [S + "name"])

    def test_stateVariables(self) -> None:
        """
        State variables carry sendEvents (and multicast only when set),
        name, dataType, defaultValue, then allowed values or range, in that
        order, escaped.
        """
        variables = parseSCPD(jambonService()).findall(f"{S}serviceStateTable/{S}stateVariable")
        self.assertEqual([variable.attrib for variable in variables], [
            {"sendEvents": "yes"},
            {"sendEvents": "yes", "multicast": "yes"},
            {"sendEvents": "no"},
        ])
        thickness, status, weight = variables
        self.assertEqual(children(thickness), [S + "name", S + "dataType", S + "defaultValue", S + "allowedValueRange"])
        self.assertEqual(
            [(child.tag, child.text) for child in thickness[3]],
            [(S + "minimum", "1"), (S + "maximum", "20"), (S + "step", "1")],
        )
        self.assertEqual(text(thickness, S + "defaultValue"), "3")
        self.assertEqual(children(status), [S + "name", S + "dataType", S + "allowedValueList"])
        self.assertEqual(
            [value.text for value in status.findall(f"{S}allowedValueList/{S}allowedValue")],
            ["Idle", "Slicing & packing", "<jammed>"],
        )
        self.assertEqual(text(weight, S + "dataType"), "r4")
        self.assertEqual(children(weight), [S + "name", S + "dataType", S + "allowedValueRange"])
        self.assertEqual(children(weight[2]), [S + "minimum", S + "maximum"])

    def test_noActionsMeansNoActionList(self) -> None:
        """
        A service without actions has no actionList (UDA: required if and
        only if there are actions).
        """
        document = parseSCPD(Service("urn:x-example:service:Clock:1", "urn:x-example:serviceId:Clock", stateVariables=(StateVariable("Time", "time"),)))
        self.assertEqual(children(document), [S + "specVersion", S + "serviceStateTable"])

    def test_emptyServiceStateTableIsKept(self) -> None:
        """
        A service without variables still has a (empty) serviceStateTable.
        """
        document = parseSCPD(Service("urn:x-example:service:Nothing:1", "urn:x-example:serviceId:Nothing"))
        self.assertEqual(children(document), [S + "specVersion", S + "serviceStateTable"])
        self.assertEqual(len(document[1]), 0)

    def test_defaultValueKeptExactly(self) -> None:
        """
        A default value with surrounding spaces, line breaks and a carriage
        return parses back byte for byte.
        """
        value = "  two\r\nlines & <more>  "
        service = Service(
            "urn:x-example:service:Note:1",
            "urn:x-example:serviceId:Note",
            stateVariables=(StateVariable("Note", "string", defaultValue=value),),
        )
        self.assertEqual(text(parseSCPD(service), f"{S}serviceStateTable/{S}stateVariable/{S}defaultValue"), value)


class ConfigIdTests(SynchronousTestCase):
    """
    Tests for L{computeConfigId}.
    """

    def test_inRange(self) -> None:
        """
        The configId is an integer from 0 to 16777215.
        """
        for root in (jambon(), lamp()):
            configId = computeConfigId(root)
            self.assertIsInstance(configId, int)
            self.assertTrue(0 <= configId <= MAX_CONFIG_ID)

    def test_stableForEqualDevices(self) -> None:
        """
        Two equal device trees, built separately, get the same configId.
        """
        self.assertEqual(computeConfigId(lamp()), computeConfigId(lamp()))

    def test_stableAcrossRestarts(self) -> None:
        """
        A fresh interpreter with another hash seed computes the same
        configId: it does not depend on C{hash()} or on object identity.
        """
        script = (
            "import sys; sys.path.insert(0, sys.argv[1]);"
            "from tests.model.test_description import lamp;"
            "from coherence_lite.model.description import computeConfigId;"
            "print(computeConfigId(lamp()))"
        )
        here = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
        values = set()
        for seed in ("1", "2"):
            environment = dict(os.environ, PYTHONHASHSEED=seed)
            output = subprocess.run(
                [sys.executable, "-c", script, here], env=environment, capture_output=True, check=True
            ).stdout
            values.add(int(output))
        self.assertEqual(values, {computeConfigId(lamp())})

    def test_changesWithDescription(self) -> None:
        """
        Changing any element of the description changes the configId.
        """
        original = computeConfigId(jambon())
        icon = Icon("image/png", 32, 32, 24, png(32, 32), name="jambon-48.png")
        for changed in (
            jambon(friendlyName="Jambon 3001"),
            jambon(serialNumber="JBN425134"),
            jambon(presentationURL="http://192.0.2.7/"),
            jambon(icons=(icon,)),
            jambon(services=()),
            lamp(),
        ):
            self.assertNotEqual(computeConfigId(changed), original, changed)

    def test_changesWithAnySCPD(self) -> None:
        """
        Changing a service description only (the device description is the
        same) changes the configId, for embedded devices' services too.
        """
        service = jambonService()
        changed = replace(service, actions=service.actions[:1])
        self.assertEqual(deviceDescription(jambon(services=(changed,)), 1), deviceDescription(jambon(), 1))
        self.assertNotEqual(computeConfigId(jambon(services=(changed,))), computeConfigId(jambon()))

        root = lamp()
        light = root.devices[0]
        bulb = light.devices[0]
        dimming = replace(bulb.services[0], stateVariables=(StateVariable("LoadLevelTarget", "ui1", defaultValue="50"),))
        newRoot = replace(root, devices=(replace(light, devices=(replace(bulb, services=(dimming,)),)),))
        self.assertEqual(deviceDescription(newRoot, 1), deviceDescription(root, 1))
        self.assertNotEqual(computeConfigId(newRoot), computeConfigId(root))

    def test_changesWithSpecVersion(self) -> None:
        """
        Declaring UDA 1.2 instead of 1.1 changes the documents, hence the
        configId.
        """
        self.assertNotEqual(computeConfigId(jambon(), specMinor=2), computeConfigId(jambon()))


class BuildDocumentsTests(SynchronousTestCase):
    """
    Tests for L{buildDocuments} and L{Documents}.
    """

    def test_documentsAgreeWithRenderers(self) -> None:
        """
        The built documents are the ones the renderers produce with the
        computed configId.
        """
        root = lamp()
        documents = buildDocuments(root)
        self.assertIsInstance(documents, Documents)
        self.assertIs(documents.root, root)
        self.assertEqual(documents.configId, computeConfigId(root))
        self.assertEqual(documents.specVersion, (1, 1))
        self.assertEqual(documents.description, deviceDescription(root, documents.configId))
        expected = {
            (device.UDN, service.shortId): serviceDescription(service, documents.configId)
            for device in root.allDevices()
            for service in device.services
        }
        self.assertEqual(dict(documents.scpds), expected)
        self.assertEqual(
            sorted(documents.scpds),
            sorted([(JAMBON_UDN, "Jambon"), (LAMP_UDN, "SwitchPower"), (BULB_UDN, "Dimming")]),
        )

    def test_everyDocumentCarriesTheConfigId(self) -> None:
        """
        The description and every SCPD carry the same configId attribute.
        """
        documents = buildDocuments(lamp())
        for data in [documents.description, *documents.scpds.values()]:
            self.assertEqual(fromstring(data).attrib["configId"], str(documents.configId))

    def test_scpdsAreReadOnly(self) -> None:
        """
        The SCPD mapping cannot be changed after the fact.
        """
        documents = buildDocuments(jambon())
        with self.assertRaises(TypeError):
            documents.scpds[(JAMBON_UDN, "Other")] = b""  # type: ignore[index]

    def test_specMinorTwo(self) -> None:
        """
        C{specMinor=2} renders UDA 1.2 documents and says so.
        """
        documents = buildDocuments(jambon(), specMinor=2)
        self.assertEqual(documents.specVersion, (1, 2))
        self.assertEqual(text(fromstring(documents.description), f"{D}specVersion/{D}minor"), "2")
        for data in documents.scpds.values():
            self.assertEqual(text(fromstring(data), f"{S}specVersion/{S}minor"), "2")


class VariantTests(SynchronousTestCase):
    """
    Description variants: L{buildDocuments} with L{Variant}s and
    L{Documents.descriptionFor}.
    """

    def test_variantsShareTheConfigIdOfTheDefault(self) -> None:
        """
        Each variant is rendered with the CONFIGID of the default
        description, which the variants do not change.
        """
        root = jambon()
        other = replace(root, modelName="Other Model", modelNumber="12.0")
        plain = buildDocuments(root)
        documents = buildDocuments(root, variants=(Variant("user-agent", "Other/", other),))
        self.assertEqual(documents.configId, plain.configId)
        self.assertEqual(documents.description, plain.description)
        [(header, contains, description)] = documents.variants
        self.assertEqual((header, contains), ("user-agent", "Other/"))
        self.assertEqual(description, deviceDescription(other, plain.configId))
        self.assertEqual(text(fromstring(description), f"{D}device/{D}modelName"), "Other Model")

    def test_firstMatchingVariantWins(self) -> None:
        """
        L{Documents.descriptionFor} gives the first variant whose header
        contains its text; a variant without a root gives the default,
        shadowing later ones; no match gives the default.
        """
        root = jambon()
        first, second = replace(root, modelName="First"), replace(root, modelName="Second")
        documents = buildDocuments(root, variants=(
            Variant("user-agent", "Plain/", None),
            Variant("user-agent", "Client/", first),
            Variant("x-av-client-info", "BRAVIA", second),
        ))
        variants = [description for _, _, description in documents.variants]

        def headers(**values: str) -> Callable[[str], str | None]:
            return lambda name: values.get(name.replace("-", "_"))

        self.assertIs(documents.descriptionFor(headers(user_agent="x Client/2")), variants[1])
        self.assertIs(documents.descriptionFor(headers(user_agent="Plain/ Client/2")), documents.description)
        self.assertIs(documents.descriptionFor(headers(x_av_client_info='av=5.0; cn="Sony"; mn="BRAVIA"')), variants[2])
        self.assertIs(documents.descriptionFor(headers(user_agent="Other")), documents.description)
        self.assertIs(documents.descriptionFor(headers()), documents.description)

    def test_aVariantIsTheSameDevice(self) -> None:
        """
        A variant with another UDN, other services or other icons is
        refused: it would describe another device under one CONFIGID.
        """
        root = jambon()
        for other in (
            replace(root, UDN="uuid:00000000-0000-0000-0000-000000000001"),
            replace(root, services=()),
            replace(root, icons=()),
        ):
            self.assertRaises(ValueError, buildDocuments, root, variants=(Variant("user-agent", "X", other),))
