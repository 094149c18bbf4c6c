"""Languages and formats: CLDR number, money and date formats (Babel) and the gettext catalogs.

`formats.Formats` writes money, numbers, dates and times the way a locale does; `catalogs`
loads a language's translations (the .po sources live in locales/, compiled to .mo at build);
`names` picks the owner's name of a record in the reader's language. Nothing here touches the
database: callers pass the site's locale and currency.
"""
