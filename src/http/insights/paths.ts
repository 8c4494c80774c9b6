/** Route paths of the insights page (issue 16, item 2), relative to the public base path. */
export const INSIGHTS_PATHS = {
  home: '/insights',
  csv: '/insights.csv',
} as const;

export const INSIGHTS_API = {
  report: '/api/v1/insights',
} as const;
