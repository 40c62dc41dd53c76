"""The named views of the records (schema v5): one row per thing a trainer counts, with the day, the mode and the
call type to filter by. ``python main.py report``, /report in Telegram and the dashboard all read these, so they
show the same numbers; none of them carries a customer's name, phone, passport or words (README, «Records»)."""
from __future__ import annotations

from dataclasses import dataclass

@dataclass(frozen=True)
class _JSON:
    """One database's JSON functions, for the views below (JSON is kept as text in both databases); ``{doc}`` is the
    JSON text, ``{key}`` a top-level field of it, ``{alias}`` the name of a FROM item."""

    field_sql: str  # the field as SQL text (a string field) or null
    entries_sql: str  # a FROM item: the members of an object field, with ``key`` and ``value``
    false_sql: str  # the condition: the member's value is JSON false
    elements_sql: str  # a FROM item: the strings of an array field, with ``value`` and ``key`` (position from 0)

    def field(self, doc: str, key: str) -> str:
        return self.field_sql.format(doc=doc, key=key)

    def entries(self, doc: str, key: str, alias: str) -> str:
        return self.entries_sql.format(doc=doc, key=key, alias=alias)

    def is_false(self, alias: str) -> str:
        return self.false_sql.format(alias=alias)

    def elements(self, doc: str, key: str, alias: str) -> str:
        return self.elements_sql.format(doc=doc, key=key, alias=alias)


SQLITE_JSON = _JSON("json_extract({doc}, '$.{key}')", "json_each({doc}, '$.{key}') {alias}", "{alias}.type = 'false'",
                    "json_each({doc}, '$.{key}') {alias}")
POSTGRES_JSON = _JSON("({doc}::jsonb ->> '{key}')", "jsonb_each({doc}::jsonb -> '{key}') {alias}",
                      "{alias}.value = 'false'::jsonb",
                      "lateral (select e.n - 1 as key, e.value from jsonb_array_elements_text({doc}::jsonb -> '{key}') "
                      "with ordinality e(value, n)) {alias}")


def views(json: _JSON) -> dict[str, str]:
    """The views in one database's SQL: the same columns and rows in both (integers 0/1 for yes/no)."""
    # a session's topic: the first self-service topic its customer named (customer mode)
    topic = (f"(select {json.field('t.analysis', 'topic')} from turns t where t.session_id = s.id "
             f"and {json.field('t.analysis', 'topic')} is not null order by t.n limit 1)")
    return {
        # every conversation: who (a trainee's id; customer sessions have none here), when, how it ended
        "conversations": f"""
            select s.id as session_id, s.mode, s.call_type, s.channel, substr(s.started_at, 1, 10) as day,
                   s.started_at, s.status, s.stage as last_stage, s.scenario_id,
                   case when s.mode = 'trainee' then s.user_id end as trainee,
                   s.score, s.passed, {topic} as topic,
                   (select count(*) from turns t where t.session_id = s.id and t.role = 'client') as client_lines,
                   case when exists (select 1 from handoffs h where h.session_id = s.id) then 1 else 0 end
                       as handed_off
            from sessions s""",
        # a scored trainee session's checklist items that were not done (items that did not apply are left out)
        "failed_checks": f"""
            select s.id as session_id, s.user_id as trainee, s.call_type, substr(s.started_at, 1, 10) as day,
                   s.started_at, c.key as check_id
            from sessions s, {json.entries('s.scorecard', 'checks', 'c')}
            where s.mode = 'trainee' and s.scorecard is not null and {json.is_false('c')}
              and not exists (select 1 from {json.elements('s.scorecard', 'not_applicable', 'n')}
                              where n.value = c.key)""",
        # a scored trainee session's flags: blockers and toxic properties
        "raised_flags": f"""
            select s.id as session_id, s.user_id as trainee, s.call_type, substr(s.started_at, 1, 10) as day,
                   s.started_at, f.value as flag
            from sessions s, {json.elements('s.scorecard', 'flags', 'f')}
            where s.mode = 'trainee' and s.scorecard is not null""",
        # the scorecard's feedback lines of a trainee session, in order (they quote the trainee, never a customer)
        "trainee_feedback": f"""
            select s.id as session_id, s.user_id as trainee, s.call_type, substr(s.started_at, 1, 10) as day,
                   f.key as line, f.value as text
            from sessions s, {json.elements('s.scorecard', 'feedback', 'f')}
            where s.mode = 'trainee' and s.scorecard is not null""",
        # every stage a conversation reached, with the line it was first reached at
        "stages_reached": """
            select s.id as session_id, s.mode, s.call_type, substr(s.started_at, 1, 10) as day, t.stage,
                   min(t.n) as first_line
            from turns t join sessions s on s.id = t.session_id
            group by s.id, t.stage""",
        # an offer made in a conversation: the product, the response code, whether an order followed
        "offer_results": f"""
            select o.session_id, s.mode, s.call_type, substr(s.started_at, 1, 10) as day,
                   case when s.mode = 'trainee' then s.user_id end as trainee, {topic} as topic,
                   o.product, o.response,
                   case when exists (select 1 from orders r where r.session_id = o.session_id
                                     and r.product = o.product) then 1 else 0 end as ordered
            from offers o join sessions s on s.id = o.session_id""",
        # what the customer (or the simulated customer) meant, line by line
        "client_intents": f"""
            select t.session_id, s.mode, s.call_type, substr(s.started_at, 1, 10) as day, t.n,
                   {json.field('t.analysis', 'intent')} as intent
            from turns t join sessions s on s.id = t.session_id
            where t.role = 'client' and {json.field('t.analysis', 'intent')} is not null""",
        # marketing channels a customer refused in a conversation
        "opt_out_events": """
            select o.session_id, s.call_type, substr(o.created_at, 1, 10) as day, o.channel
            from opt_outs o left join sessions s on s.id = o.session_id""",
        # conversations handed to a person, and why
        "handoff_events": """
            select h.session_id, s.call_type, substr(h.created_at, 1, 10) as day, h.reason, h.status
            from handoffs h left join sessions s on s.id = h.session_id""",
        # retention of a customer porting his number away: the reason, the cancelled request, the WinBack consent
        "retention_results": """
            select r.session_id, s.mode, s.call_type, substr(s.started_at, 1, 10) as day, r.reason,
                   coalesce(r.request_cancelled, 0) as request_cancelled,
                   coalesce(r.winback_consent, 0) as winback_consent
            from retention r join sessions s on s.id = r.session_id""",
    }


VIEWS = views(SQLITE_JSON)

# What the reports filter and join by; the views above read through these.
INDEXES = """
create index if not exists idx_sessions_mode_call_type_started_at on sessions (mode, call_type, started_at);
create index if not exists idx_sessions_started_at on sessions (started_at);
create index if not exists idx_offers_product_response on offers (product, response);
create index if not exists idx_orders_product on orders (product);
create index if not exists idx_handoffs_reason on handoffs (reason);
create index if not exists idx_opt_outs_session_id on opt_outs (session_id);
create index if not exists idx_tickets_session_id on tickets (session_id)
"""


def create_views(json: _JSON) -> str:
    """The views (re)made, as statements of a migration: an older definition is dropped first."""
    return ";\n".join(f"drop view if exists {name};\ncreate view {name} as {sql.strip()}"
                       for name, sql in views(json).items())


SQLITE_VIEWS = create_views(SQLITE_JSON)
POSTGRES_VIEWS = create_views(POSTGRES_JSON)
