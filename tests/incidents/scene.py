"""One realistic record set for the HTTP tests: a plant, an injury at RIV with an injured person (classified
recordable) and a witness, a photo, a CAPA action, a near miss at LKS, and the 300A figures for the year."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace
from typing import Any

from tests.conftest import run
from tests.incidents.helpers import make_incident, make_plant, person_ids
from workforce.actions import service as actions
from workforce.incidents import service, service_osha
from workforce.incidents.photos import process_photo
from workforce.incidents.tables import OshaYearData

SAFETY_USER = SimpleNamespace(id=None, display_name="Sofia Lindqvist", username="sofia")


@dataclass
class Scene:
    plant: dict[str, Any]
    injury: int
    injured: int
    witness: int
    near_miss: int
    photo: int
    action: int
    year: int

    @property
    def riv(self) -> int:
        return self.plant["sites"]["RIV"]

    @property
    def lks(self) -> int:
        return self.plant["sites"]["LKS"]


def tiny_jpeg() -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (40, 30), "blue").save(out, format="JPEG")
    return out.getvalue()


def build_scene(*, privacy: bool = False) -> Scene:
    plant = make_plant()
    riv, lks = plant["sites"]["RIV"], plant["sites"]["LKS"]
    occurred = datetime.now(UTC) - timedelta(days=3)
    injury = make_incident(
        riv,
        kind="injury_illness",
        title="Laceration on press edge",
        station_id=plant["stations"]["RIV"][1],
        occurred_at=occurred,
        people=[(plant["employees"]["RIV"][0], "injured"), (plant["employees"]["RIV"][1], "witness")],
    )
    injured, witness = person_ids(injury)
    near_miss = make_incident(lks, title="Hose across walkway", station_id=plant["stations"]["LKS"][0])

    async def extras() -> tuple[int, int]:
        await service.update_person(
            injured,
            1,
            {
                "injury_description": "laceration",
                "body_part": "left hand",
                "object_substance": "press edge",
                "birth_date": date(1990, 5, 1),
                "street": "12 Elm St",
                "city": "Joliet",
                "state": "IL",
                "sex": "female",
                "physician": "Dr. Kaur",
            },
        )
        facts = {
            "work_related": True,
            "new_case": True,
            "case_type": "injury",
            "treatments": ["wound_closure"],
            **({"needlestick_contaminated": True} if privacy else {}),
        }
        await service_osha.classify_case(injury, injured, facts, "", SAFETY_USER)
        photo = await service.add_photo(injury, process_photo(tiny_jpeg()), "Press edge", SAFETY_USER)
        action = await actions.create_action(
            "incident",
            injury,
            title="Deburr the press edge",
            due_date=date.today() + timedelta(days=14),
            owner_name="Sam Okafor",
            site_id=riv,
        )
        local_year = occurred.astimezone().year
        await OshaYearData.insert(
            OshaYearData(
                site_id=riv,
                year=local_year,
                average_employees=380,
                total_hours=760_000.0,
                hours_note="Payroll",
                establishment_name="Riverside Assembly",
            )
        )
        return photo, action

    photo, action = run(extras())
    return Scene(plant, injury, injured, witness, near_miss, photo, action, occurred.year)
