return {
  deals = {
    preset = "salesforce"
    key = "id",
  }
}
