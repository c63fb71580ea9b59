/*
 * country.c -- a country normaliser: ISO 3166 alpha-2 from the ways
 * CRM users write countries.
 *
 * Each entry is "AA|AAA|name|other name|...": the alpha-2 code, the
 * alpha-3 code, then common names in their normalised form (lower case,
 * no dots, single spaces, no leading "the").  Input is normalised the
 * same way, so "U.S.", "usa", "United States of America" and "US" all
 * find the first entry.  Eighty countries cover nearly every CRM
 * export; an unknown text is NULL (the caller reports it).
 */
#include <ctype.h>
#include <string.h>

#include "revl/metrics.h"

static const char *const countries[] = {
    "US|USA|united states|united states of america|america|us of a|usa|u s|u s "
    "a",
    "GB|GBR|united kingdom|uk|great "
    "britain|britain|england|scotland|wales|northern ireland|united kingdom of "
    "great britain and northern ireland",
    "DE|DEU|germany|deutschland|federal republic of germany",
    "FR|FRA|france|french republic",
    "CA|CAN|canada",
    "AU|AUS|australia",
    "NL|NLD|netherlands|holland|nederland|kingdom of the netherlands",
    "ES|ESP|spain|españa|espana",
    "IT|ITA|italy|italia",
    "SE|SWE|sweden|sverige",
    "NO|NOR|norway|norge",
    "DK|DNK|denmark|danmark",
    "FI|FIN|finland|suomi",
    "IE|IRL|ireland|republic of ireland|eire|éire",
    "CH|CHE|switzerland|schweiz|suisse|svizzera",
    "AT|AUT|austria|österreich|osterreich",
    "BE|BEL|belgium|belgique|belgie|belgië",
    "PT|PRT|portugal",
    "PL|POL|poland|polska",
    "CZ|CZE|czech republic|czechia|cesko|česko",
    "SK|SVK|slovakia|slovak republic",
    "HU|HUN|hungary|magyarorszag",
    "RO|ROU|romania",
    "BG|BGR|bulgaria",
    "GR|GRC|greece|hellas",
    "HR|HRV|croatia|hrvatska",
    "SI|SVN|slovenia",
    "RS|SRB|serbia",
    "UA|UKR|ukraine",
    "RU|RUS|russia|russian federation",
    "TR|TUR|turkey|türkiye|turkiye",
    "IL|ISR|israel",
    "AE|ARE|united arab emirates|uae|emirates",
    "SA|SAU|saudi arabia|kingdom of saudi arabia|ksa",
    "QA|QAT|qatar",
    "EG|EGY|egypt",
    "ZA|ZAF|south africa|rsa",
    "NG|NGA|nigeria",
    "KE|KEN|kenya",
    "MA|MAR|morocco",
    "IN|IND|india|bharat",
    "PK|PAK|pakistan",
    "BD|BGD|bangladesh",
    "LK|LKA|sri lanka",
    "CN|CHN|china|peoples republic of china|prc|mainland china",
    "HK|HKG|hong kong|hong kong sar",
    "TW|TWN|taiwan|republic of china",
    "JP|JPN|japan|nippon",
    "KR|KOR|south korea|korea|republic of korea|korea republic of|korea south",
    "SG|SGP|singapore",
    "MY|MYS|malaysia",
    "ID|IDN|indonesia",
    "TH|THA|thailand",
    "VN|VNM|vietnam|viet nam",
    "PH|PHL|philippines",
    "NZ|NZL|new zealand|aotearoa",
    "MX|MEX|mexico|méxico",
    "BR|BRA|brazil|brasil",
    "AR|ARG|argentina",
    "CL|CHL|chile",
    "CO|COL|colombia",
    "PE|PER|peru|perú",
    "UY|URY|uruguay",
    "VE|VEN|venezuela",
    "EC|ECU|ecuador",
    "CR|CRI|costa rica",
    "PA|PAN|panama|panamá",
    "PR|PRI|puerto rico",
    "EE|EST|estonia|eesti",
    "LV|LVA|latvia",
    "LT|LTU|lithuania",
    "LU|LUX|luxembourg",
    "IS|ISL|iceland",
    "MT|MLT|malta",
    "CY|CYP|cyprus",
    "JO|JOR|jordan",
    "KW|KWT|kuwait",
    "BH|BHR|bahrain",
    "OM|OMN|oman",
    "GH|GHA|ghana",
    "CI|CIV|ivory coast|cote divoire|côte divoire",
    "TN|TUN|tunisia",
    "DZ|DZA|algeria",
    "KZ|KAZ|kazakhstan",
    "BY|BLR|belarus",
    "NP|NPL|nepal",
    NULL};

size_t revl_metrics_ncountries(void) {
  return sizeof countries / sizeof countries[0] - 1;
}

/* lower case, dots and apostrophes dropped, - _ , as spaces, single
 * spaces, no leading "the" */
static size_t norm(const char *s, size_t n, char *out, size_t cap) {
  size_t k = 0;
  int space = 1;
  for (size_t i = 0; i < n && k + 1 < cap; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c == '.' || c == '\'') continue;
    if (isspace(c) || c == '-' || c == '_' || c == ',' || c == '(' ||
        c == ')') {
      if (!space) out[k++] = ' ';
      space = 1;
      continue;
    }
    out[k++] = (char)(c < 0x80 ? tolower(c) : c);
    space = 0;
  }
  while (k && out[k - 1] == ' ')
    k--;
  out[k] = '\0';
  if (k > 4 && memcmp(out, "the ", 4) == 0) {
    memmove(out, out + 4, k - 3);
    k -= 4;
  }
  return k;
}

const char *revl_metrics_country(const char *s, size_t n) {
  char buf[128];
  size_t k = norm(s, n, buf, sizeof buf);
  if (k == 0 || k >= sizeof buf - 1) return NULL;
  static char code[sizeof countries / sizeof countries[0]][3];
  for (size_t i = 0; countries[i]; i++) {
    const char *e = countries[i];
    /* fields separated by '|': code fields compare case-insensitively
     * (they are upper case in the table, buf is lower case) */
    const char *f = e;
    while (*f) {
      const char *bar = strchr(f, '|');
      size_t fl = bar ? (size_t)(bar - f) : strlen(f);
      int eq = fl == k;
      for (size_t j = 0; eq && j < fl; j++)
        eq = tolower((unsigned char)f[j]) == (unsigned char)buf[j];
      if (eq) {
        code[i][0] = e[0];
        code[i][1] = e[1];
        code[i][2] = '\0';
        return code[i];
      }
      if (!bar) break;
      f = bar + 1;
    }
  }
  return NULL;
}
