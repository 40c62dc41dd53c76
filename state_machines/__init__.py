"""Call-stage machines compiled from the call types in dialogues/, and their guards."""
