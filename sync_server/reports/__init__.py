"""Reports, exports and the partner-agency API (issue 7).

Pure modules first, each tested without a server:
- `charts`: bar charts as SVG strings;
- `fiscal`: the Thai government fiscal year and Buddhist-Era dates;
- `labels`: Thai and English labels for the codes the reports show;
- `summary`: the district's counts, from record dicts;
- `mapsvg`: producers' GPS points drawn offline, with a scale bar and hulls per subdistrict;
- `network`: a deterministic layout of the links between producers;
- `export_xlsx`, `export_csv`, `export_geojson`, `export_photos`: streamed files;
- `partner_view`: what a partner agency may see of a record (an allow-list).
The I/O sits in `queries` (reading records) and the thin FastAPI routes in `routes`.
"""
