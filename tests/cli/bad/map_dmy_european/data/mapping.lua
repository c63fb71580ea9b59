-- a European export: d/m/Y dates, decimal comma, semicolons
return {
  date_format = "d/m/Y",
  decimal = ",",
  delimiter = ";",
  currency = "EUR",
}
