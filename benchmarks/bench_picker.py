"""The link picker's ranking in projects with many entities.

The benchmark projects of ``gui`` hold one entity (Nato, linked 30,000 times), so what
the link picker costs when a project knows hundreds or thousands of actors does not show
there. ``picker`` makes projects with 100, 1,000 and 3,000 actors (deterministic
invented names of one to three words, one alias each), then types five of their names
into the picker's ranking a key at a time, through the service the window uses
(:class:`~akkord.services.suggesting.desk.SuggestionDesk`): the pool of entities read
when the picker opens, the first time (``picker_first_pool_ms_<n>``: the entities, the
forms of their names and aliases and their index, their uses) and at the later openings
(``picker_pool_ms_<n>``, median: the names, aliases and uses read again, the forms kept
while those are the same), then each key ranked against it in a read transaction of its
own (``picker_rank_ms_<n>``, median per key, and ``picker_rank_ms_p95_<n>``), and
``picker_rank_3000_vs_100`` (how a key's median grows with the number of entities: a
key scores only the entities the index finds sharing a word, a word's start or letters
with it). The lemma tables are loaded before timing, as the window loads them at start.
"""

from __future__ import annotations

import random
import statistics
import tempfile
import time
from pathlib import Path

from common import CACHE, benchmark, report

SIZES = (100, 1_000, 3_000)
TYPED = 5  # names typed per size, a key at a time
SYLLABLES = ("na", "to", "rus", "land", "stol", "ten", "berg", "lav", "rov", "bi", "den",
             "sul", "li", "van", "ka", "mer", "ov", "ski", "ør", "gå", "hei", "dal")


def invented_name(rng: random.Random) -> str:
    return " ".join("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3)))
                    .capitalize() for _ in range(rng.randint(1, 3)))


def actors_project(path: Path, count: int) -> list[str]:
    """A project at ``path`` with ``count`` actors, each with an alias; their names."""
    from akkord.services.annotation import Annotation
    from akkord.store import open_project
    from akkord.store.models import Entity, EntityAlias

    rng = random.Random(count)
    names = [invented_name(rng) for _ in range(count)]
    with open_project(path, create=True) as project:
        person = Annotation(project, "kari").annotator_id
        with project.write() as session:
            for n, name in enumerate(names):
                entity = Entity(key=f"actor/a{n}", kind="actor", name=name, version=1,
                                created_by=person, changed_by=person,
                                changed_what="created")
                session.add(entity)
                session.flush()
                alias = invented_name(rng)
                session.add(EntityAlias(entity_id=entity.id, alias=alias,
                                        folded=alias.casefold()))
    return names


def typing_ms(path: Path, names: list[str]) -> tuple[list[float], list[float]]:
    """Milliseconds to read the pool, per opening, and per key, for typing ``TYPED`` of
    ``names`` into the ranking (one opening of the picker per name)."""
    from akkord.services.annotation import Annotation
    from akkord.services.suggesting.desk import SuggestionDesk
    from akkord.store import open_project
    from akkord.textproc.lemmas import warm_up

    warm_up()
    pools, keys = [], []
    with open_project(path) as project:
        desk = SuggestionDesk(project, Annotation(project, "kari").annotator_id)
        for name in random.Random(1).sample(names, TYPED):
            start = time.perf_counter()
            pool = desk.candidate_pool("actor")
            pools.append((time.perf_counter() - start) * 1000)
            for end in range(1, len(name) + 1):
                start = time.perf_counter()
                desk.candidates("actor", name[:end], pool=pool)
                keys.append((time.perf_counter() - start) * 1000)
    return pools, keys


@benchmark("picker")
def picker() -> None:
    medians = {}
    with tempfile.TemporaryDirectory(dir=CACHE) as tmp:
        for count in SIZES:
            path = Path(tmp) / f"actors-{count}.akkord"
            pools, times = typing_ms(path, actors_project(path, count))
            report(f"picker_first_pool_ms_{count}", pools[0], "ms")
            report(f"picker_pool_ms_{count}", statistics.median(pools[1:]), "ms")
            medians[count] = statistics.median(times)
            report(f"picker_rank_ms_{count}", medians[count], "ms")
            report(f"picker_rank_ms_p95_{count}",
                   sorted(times)[int(0.95 * (len(times) - 1))], "ms")
    report(f"picker_rank_{SIZES[-1]}_vs_{SIZES[0]}", medians[SIZES[-1]] / medians[SIZES[0]],
           "x")
