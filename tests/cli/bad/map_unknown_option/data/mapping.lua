return {
  deals = { colums = { ["Deal Stage"] = "stage" } },
}
