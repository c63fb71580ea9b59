return {
  null_add = { "Select" },
  deals = { null_add = { "-" } },
}
