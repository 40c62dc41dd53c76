"""Property-based tests (hypothesis) over every entry point: whatever comes in — any Unicode, any bytes, any button
payload, any mutation of a content file — the answer is well-formed and nothing crashes. The budget is the profile
in tests/conftest.py (fixed examples, derandomized)."""
from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

import main
from bot.telegram.keyboards import parse_turn_data, turn_data
from engine.content.loader import DEFAULT_DIALOGUES, Content, _parse_file, _yaml_files
from engine.content.yaml_source import ContentError, load_yaml
from engine.conversation import Event
from engine.dialogue import DialogueEngine
from engine.records import Records
from engine.understanding import Understanding

INTENTS = {"agree", "decline", "think", "objection_price", "objection_need", "objection_have", "objection_time",
           "question", "complaint", "churn", "relocation", "tech_problem", "opt_out", "greeting", "other"}
TAGS = {"greeting", "bridge", "offer", "price", "price_per_day", "empathy", "clarify", "benefit", "summary",
        "call_to_action", "check_questions", "farewell", "cliche"}
RUSSIAN = st.text(alphabet=st.characters(min_codepoint=0x400, max_codepoint=0x4ff) | st.sampled_from(" ,.!?0123456789"),
                  max_size=80)
ANY_TEXT = st.text(max_size=80) | RUSSIAN


@pytest.fixture(scope="module")
def nlu(content: Content) -> Understanding:
    return Understanding.load(content.dialogues)


@pytest.fixture(scope="module")
def engine(content: Content, nlu: Understanding) -> DialogueEngine:
    return DialogueEngine(content, nlu)


@given(text=ANY_TEXT)
def test_understanding_reads_any_text(nlu: Understanding, text: str) -> None:
    intent = nlu.client_intent(text)
    assert intent.intent in INTENTS and 0.0 <= intent.confidence <= 1.0
    assert set(nlu.operator_moves(text, "Егор").tags) <= TAGS


EVENTS = st.one_of(
    ANY_TEXT.map(lambda text: Event(text=text)),
    st.builds(lambda data: Event(button=data), st.text(max_size=30)),
    st.just(Event(hint=True)),
    st.just(Event(hang_up=True)),
    st.from_regex(r"\A[0-9]{10,12}\Z").map(lambda phone: Event(text=phone, verified_phone=phone)),
)


@settings(max_examples=25)
@given(data=st.data(), mode=st.sampled_from(["trainee", "customer"]), events=st.lists(EVENTS, max_size=6))
def test_the_engine_takes_any_sequence_of_events(engine: DialogueEngine, content: Content, data, mode: str,
                                                 events: list[Event]) -> None:
    options = ({"scenario_id": data.draw(st.sampled_from(sorted(content.scenarios)))} if mode == "trainee"
               else {"customer_id": data.draw(st.sampled_from([None, *sorted(content.customers)]))})
    result = engine.start(mode, seed=1, **options)
    for event in events:
        buttons = [button.data for reply in result.replies for button in reply.buttons]
        if buttons and data.draw(st.booleans()):
            event = Event(button=data.draw(st.sampled_from(buttons)))  # a button really on screen
        was_finished = result.snapshot.finished
        before = result.snapshot.model_dump(mode="json")
        result = engine.handle(result.snapshot, event)
        assert all(reply.text.strip() for reply in result.replies)
        assert not was_finished or result.snapshot.finished  # a finished conversation stays finished
        assert result.snapshot.model_validate_json(result.snapshot.model_dump_json()) == result.snapshot
        assert len(result.snapshot.lines) >= len(before["lines"])  # nothing said is ever lost


@given(raw=st.text(max_size=90))
def test_any_button_payload_is_parsed_or_refused(raw: str) -> None:
    parsed = parse_turn_data(raw)
    assert parsed is None or (raw.startswith("t:") and all(parsed))


@given(session=st.from_regex(r"\A[0-9a-f]{32}\Z"), data=st.from_regex(r"\A[a-z_:]{1,40}\Z"))
def test_a_turn_button_comes_back_as_it_was_sent(session: str, data: str) -> None:
    assert parse_turn_data(turn_data(session, data)) == (session[:8], data)


CONTENT_FILES = _yaml_files(DEFAULT_DIALOGUES)


@given(data=st.data())
def test_a_mutated_content_file_loads_or_is_refused_at_a_line(tmp_path_factory, data) -> None:
    source = data.draw(st.sampled_from(CONTENT_FILES))
    lines = source.read_text(encoding="utf-8").splitlines()
    index = data.draw(st.integers(0, len(lines) - 1))
    mutation = data.draw(st.sampled_from(["replace", "delete", "insert", "indent"]))
    noise = data.draw(st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=40)
                      | st.sampled_from(["<<: *x", "&a [*a]", "!!python/object:os.system", "- [", "key: {", "  - ",
                                         "id: 1e400", "price_month: .nan", ": :", "\t", "---", "..."]))
    if mutation == "replace":
        lines[index] = noise
    elif mutation == "delete":
        del lines[index]
    elif mutation == "insert":
        lines.insert(index, noise)
    else:
        lines[index] = "  " + lines[index]
    path = tmp_path_factory.mktemp("content") / source.name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    try:
        parsed, problems = _parse_file(load_yaml(path, source.name))
    except ContentError as exc:
        parsed, problems = None, exc.problems
    assert (parsed is None) == bool(problems)
    for problem in problems:
        assert problem.file == source.name and 1 <= problem.line <= len(lines) + 1 and problem.message


@pytest.fixture(scope="module")
def cli(content: Content):
    """The command line in process, with the content loaded once (the commands' own parsing is what is tested)."""
    patch = pytest.MonkeyPatch()
    patch.setattr(main, "load_content", lambda *roots: content)
    runner = CliRunner()
    yield lambda *args, input=None: runner.invoke(main.app, list(args), input=input)
    patch.undo()


def well_formed(done, codes=(0, 1, 2)) -> None:
    assert done.exception is None or isinstance(done.exception, SystemExit), done.exception
    assert done.exit_code in codes, done.output
    assert "Traceback" not in done.output


LINES = st.lists(st.binary(max_size=60) | ANY_TEXT.map(str.encode), max_size=5).map(lambda lines: b"\n".join(lines))


@pytest.mark.parametrize("command", [["classify", "--side", "client"], ["classify", "--side", "operator"],
                                     ["eligibility"], ["offers"]])
@settings(max_examples=20)
@given(stdin=LINES | st.lists(st.fixed_dictionaries({"offer": st.sampled_from(["books", "antivirus", "x"]),
                                                      "customer": st.fixed_dictionaries(
                                                          {"balance": st.floats() | st.integers()})}),
                              max_size=3).map(lambda items: "\n".join(json.dumps(i) for i in items).encode()))
def test_a_json_lines_command_answers_every_line(cli, command: list[str], stdin: bytes) -> None:
    done = cli(*command, input=stdin)
    well_formed(done, (0, 1))
    for line in done.stdout.splitlines():
        assert isinstance(json.loads(line), dict)


@settings(max_examples=20)
@given(payload=st.binary(max_size=200) | st.builds(json.dumps, st.fixed_dictionaries(
    {"client_name": st.none() | ANY_TEXT, "outcome": st.sampled_from(["agreed", "not_interested", "maybe"]),
     "turns": st.lists(st.fixed_dictionaries({"role": st.sampled_from(["operator", "client", "robot"]),
                                              "text": ANY_TEXT}), max_size=4)})).map(str.encode))
def test_score_answers_one_json_object(cli, tmp_path_factory, payload: bytes) -> None:
    path = tmp_path_factory.mktemp("score") / "dialogue.json"
    path.write_bytes(payload)
    done = cli("score", str(path))
    well_formed(done, (0, 1))
    assert isinstance(json.loads(done.stdout), dict)


@pytest.fixture(scope="module")
def final_stages(content: Content) -> frozenset[str]:
    return frozenset(stage.id for ct in content.call_types.values() for stage in ct.stages if stage.final)


@settings(max_examples=15)
@given(script=LINES, mode=st.sampled_from(["trainee", "customer"]))
def test_play_script_finishes_or_stops_clearly(cli, tmp_path_factory, final_stages: frozenset[str], script: bytes,
                                               mode: str) -> None:
    folder = tmp_path_factory.mktemp("play")
    (folder / "script.txt").write_bytes(script)
    done = cli("play", "--mode", mode, "--script", str(folder / "script.txt"), "--json", "--seed", "1",
               "--db", str(folder / "records.sqlite"))
    well_formed(done)
    if done.exit_code == 0:
        assert json.loads(done.stdout)["path"][-1] in final_stages
    records = Records(folder / "records.sqlite")
    try:
        [session] = records.sessions_of("console")
    finally:
        records.close()
    assert session["status"] in (("finished", "abandoned") if done.exit_code == 0 else ("abandoned",))


@settings(max_examples=15)
@given(rows=st.lists(st.lists(ANY_TEXT, min_size=1, max_size=6).map(lambda cells: ",".join(cells)), max_size=4))
def test_customers_import_reports_every_row_or_the_file(cli, tmp_path_factory, rows: list[str]) -> None:
    folder = tmp_path_factory.mktemp("import")
    header = "id,contract,first_name,last_name,gender,balance"
    (folder / "base.csv").write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    done = cli("customers", "import", str(folder / "base.csv"), "--json", "--db", str(folder / "r.sqlite"))
    well_formed(done)
    if done.exit_code != 2:
        report = json.loads(done.stdout)
        assert report["read"] == report["valid"] + len(report["rejected"])
        assert all(rejected["row"] >= 2 and rejected["reason"] for rejected in report["rejected"])


@settings(max_examples=15)
@given(customer=ANY_TEXT.filter(str.strip), user=ANY_TEXT)
def test_forget_and_history_take_any_id(cli, tmp_path_factory, customer: str, user: str) -> None:
    db = str(tmp_path_factory.mktemp("ids") / "r.sqlite")
    well_formed(cli("customers", "forget", customer, "--db", db), (2,))
    well_formed(cli("history", "--user", user, "--json", "--db", db), (0,))
