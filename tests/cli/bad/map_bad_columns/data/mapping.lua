return { deals = { columns = { "id", "stage" } } }
