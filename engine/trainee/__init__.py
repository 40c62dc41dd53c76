"""Trainee mode: the program plays the customer of a scenario, the trainee is the operator, a scorecard at the end.

``mode`` takes the turn; ``reading`` is what the customer makes of the trainee's words; ``voice`` what he says;
``coach`` the hints; ``closing`` the response codes and the scorecard; ``state`` what it keeps between turns.
"""
