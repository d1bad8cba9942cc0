// The names the pages show for the API's codes: the province's cities and
// the enforcement domains (docs/API.md, common/domains.cc).

export const CITIES = [
  ["140000", "省本级"],
  ["140100", "太原市"],
  ["140200", "大同市"],
  ["140300", "阳泉市"],
  ["140400", "长治市"],
  ["140500", "晋城市"],
  ["140600", "朔州市"],
  ["140700", "晋中市"],
  ["140800", "运城市"],
  ["140900", "忻州市"],
  ["141000", "临汾市"],
  ["141100", "吕梁市"],
];
export const CITY_NAMES = Object.fromEntries(CITIES);

export const DOMAINS = {
  market_regulation: "市场监管",
  ecology_environment: "生态环境",
  transport: "交通运输",
  urban_management: "城市管理",
  agriculture: "农业农村",
  culture_tourism: "文化市场",
  emergency_management: "应急管理",
  health: "卫生健康",
  natural_resources: "自然资源",
  housing_construction: "住房城乡建设",
  water: "水利",
  public_security: "公安",
  education: "教育",
  other: "其他",
};
