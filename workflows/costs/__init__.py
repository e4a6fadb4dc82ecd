"""Cost data's workflows: a load per source and billing period, the scheduled refresh that runs
it for the open and the last closed month, and the hourly freshness check."""
