"""/hint: the stage the trainee is in and a phrase for the next step, from the speech modules the call type names."""
from __future__ import annotations

from typing import TYPE_CHECKING

from ..content.speech import Person
from ..conversation import Reply, Snapshot

if TYPE_CHECKING:
    from .mode import TraineeMode


def hint(mode: TraineeMode, snapshot: Snapshot) -> Reply:
    """The stage's name and its phrase (see ``phrase``) as a note; counted."""
    state = snapshot.trainee
    state.hints += 1
    stage = mode.call_type(snapshot).stage(snapshot.stage)
    return mode.note(snapshot, "bot/trainee_hint.j2", stage=stage.name, phrase=phrase(mode, snapshot),
                     count=state.hints)


def phrase(mode: TraineeMode, snapshot: Snapshot, operator: Person | None = None, stage: str | None = None) -> str:
    """A phrase for the stage: the scenario's own module (its bridge, the offer, the answer to the current
    objection) where the stage's hint names one, else the stage's template; ``operator`` names who says it and
    ``stage`` may be another than the current one (the model operator of ``simulate`` reads the script so)."""
    state = snapshot.trainee
    content = mode.content
    spec = mode.call_type(snapshot).stage(stage or snapshot.stage).hint
    if spec is None:
        return ""
    product = mode.offered_product(snapshot)
    template = spec.template
    if spec.speech == "bridge_module":
        bridge = content.bridges.get(mode.scenario(snapshot).topic or "")
        template = bridge.template if bridge is not None else template
    elif spec.speech == "offer_module":
        template = content.products[product].speech
    elif spec.speech == "objection_module":
        objection = content.objections.get(state.current_objection or "")
        template = objection.template_for(snapshot.call_type) if objection is not None else template
    if spec.when_forbidden is not None and not snapshot.offers and not mode.offer_allowed(snapshot):
        template = spec.when_forbidden
    client, nameless = mode.voice(snapshot).people()
    context = content.speech_context(client, operator or nameless, product, mode.engine.today)
    return content.speech.render(template, **{k: v for k, v in context.items()
                                              if k in ("client", "operator", "product", "products")})
