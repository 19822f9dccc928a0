"""Command: the hierarchy of posts, graded response, requests and dispatch, interventions from outside the model."""
