"""The named views of the records (schema v5): one row per thing a trainer counts, with the day, the mode and the
call type to filter by. ``python main.py report``, /report in Telegram and the dashboard all read these, so they
show the same numbers; none of them carries a customer's name, phone, passport or words (README, «Records»)."""
from __future__ import annotations

# A session's topic: the first self-service topic its customer named (customer mode).
_TOPIC = ("(select json_extract(t.analysis, '$.topic') from turns t where t.session_id = s.id "
          "and json_extract(t.analysis, '$.topic') is not null order by t.n limit 1)")

VIEWS: dict[str, str] = {
    # every conversation: who (a trainee's id; customer sessions have none here), when, how it ended
    "conversations": f"""
        select s.id as session_id, s.mode, s.call_type, s.channel, substr(s.started_at, 1, 10) as day,
               s.started_at, s.status, s.stage as last_stage, s.scenario_id,
               case when s.mode = 'trainee' then s.user_id end as trainee,
               s.score, s.passed, {_TOPIC} as topic,
               (select count(*) from turns t where t.session_id = s.id and t.role = 'client') as client_lines,
               exists (select 1 from handoffs h where h.session_id = s.id) as handed_off
        from sessions s""",
    # a scored trainee session's checklist items that were not done (items that did not apply are left out)
    "failed_checks": """
        select s.id as session_id, s.user_id as trainee, s.call_type, substr(s.started_at, 1, 10) as day,
               c.key as check_id
        from sessions s, json_each(s.scorecard, '$.checks') c
        where s.mode = 'trainee' and s.scorecard is not null and c.type = 'false'
          and not exists (select 1 from json_each(s.scorecard, '$.not_applicable') n where n.value = c.key)""",
    # a scored trainee session's flags: blockers and toxic properties
    "raised_flags": """
        select s.id as session_id, s.user_id as trainee, s.call_type, substr(s.started_at, 1, 10) as day,
               f.value as flag
        from sessions s, json_each(s.scorecard, '$.flags') f
        where s.mode = 'trainee' and s.scorecard is not null""",
    # the scorecard's feedback lines of a trainee session, in order (they quote the trainee, never a customer)
    "trainee_feedback": """
        select s.id as session_id, s.user_id as trainee, s.call_type, substr(s.started_at, 1, 10) as day,
               f.key as line, f.value as text
        from sessions s, json_each(s.scorecard, '$.feedback') f
        where s.mode = 'trainee' and s.scorecard is not null""",
    # every stage a conversation reached, with the line it was first reached at
    "stages_reached": """
        select t.session_id, s.mode, s.call_type, substr(s.started_at, 1, 10) as day, t.stage, min(t.n) as first_line
        from turns t join sessions s on s.id = t.session_id
        group by t.session_id, t.stage""",
    # an offer made in a conversation: the product, the response code, whether an order followed
    "offer_results": f"""
        select o.session_id, s.mode, s.call_type, substr(s.started_at, 1, 10) as day,
               case when s.mode = 'trainee' then s.user_id end as trainee, {_TOPIC} as topic,
               o.product, o.response,
               exists (select 1 from orders r where r.session_id = o.session_id and r.product = o.product) as ordered
        from offers o join sessions s on s.id = o.session_id""",
    # what the customer (or the simulated customer) meant, line by line
    "client_intents": """
        select t.session_id, s.mode, s.call_type, substr(s.started_at, 1, 10) as day, t.n,
               json_extract(t.analysis, '$.intent') as intent
        from turns t join sessions s on s.id = t.session_id
        where t.role = 'client' and json_extract(t.analysis, '$.intent') is not null""",
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
               coalesce(r.request_cancelled, 0) as request_cancelled, coalesce(r.winback_consent, 0) as winback_consent
        from retention r join sessions s on s.id = r.session_id""",
}

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
SQLITE_VIEWS = ";\n".join(f"create view {name} as {sql.strip()}" for name, sql in VIEWS.items())
