"""The world a scenario runs in: gazetteer (places, airports), roads, flight routes, daylight, disaster-prone sets."""
