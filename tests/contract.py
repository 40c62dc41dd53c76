"""CONTRACT.md's vocabulary of the understanding: the intents (with the kind each must have), operator tags and
customer-mode topics every lexicon must teach — tests hold it, the engine knows only kinds (more may be added)."""
CONTRACT_KINDS = {"agree": "agreement", "decline": "refusal", "think": "hesitation", "objection_price": "objection",
                  "objection_need": "objection", "objection_have": "objection", "objection_time": "objection",
                  "question": "question", "complaint": "conflict", "churn": "churn", "relocation": "relocation",
                  "tech_problem": "problem", "opt_out": "opt_out", "greeting": "hello", "other": "neutral"}
CLIENT_INTENTS = tuple(CONTRACT_KINDS)
OPERATOR_TAGS = ("greeting", "bridge", "offer", "price", "price_per_day", "empathy", "clarify", "benefit",
                 "summary", "call_to_action", "check_questions", "farewell", "cliche")
CONTRACT_TOPICS = ("slow_internet", "no_tv_signal", "remote_control", "balance", "virus", "personal_account",
                   "notifications", "tech_fault", "relocation", "termination", "complaint", "operator")
