"""Data for the synthetic case generator (services/corpus): names, places, phrase banks, recipes."""
