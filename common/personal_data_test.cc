#include "common/personal_data.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace gongkai::common {
namespace {

std::string Stars(int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += "＊";
  return out;
}

PersonalData Persons(std::vector<std::string> names) {
  PersonalData data;
  data.persons = std::move(names);
  return data;
}

PersonalData Texts(std::vector<std::string> texts) {
  PersonalData data;
  data.texts = std::move(texts);
  return data;
}

PersonalData Numbers(std::vector<std::string> numbers) {
  PersonalData data;
  data.numbers = std::move(numbers);
  return data;
}

// The rules alone: what is masked in any text, whoever it concerns.
std::string ByRule(const std::string& text) { return MaskPersonalData(text, {}); }

// ------------------------------------------------------------------ phones in their written forms

TEST(PersonalDataSearch, OnePreparedSearchAnswersForEveryTextOfTheRecord) {
  PersonalData data;
  data.persons = {"张三", "欧阳娜娜"};
  data.texts = {"太原市小店区坞城路92号", "92140105MA0ABCDE1X"};
  data.numbers = {"138 1234 5678", "140105199001011234", ""};
  data.kept = {"张三餐饮有限公司"};
  const PersonalDataSearch search(data);
  const std::vector<std::string> texts = {"", "当事人张 三于2026年3月在太原市小店区坞城路92号经营，电话13812345678。",
                                          "张三餐饮有限公司的负责人欧阳娜娜，身份证号140105199001011234。",
                                          "晋市监罚〔2026〕12号", "92140105ma0abcde1x"};
  for (const std::string& text : texts) {
    EXPECT_EQ(search.Mask(text), MaskPersonalData(text, data)) << text;
    EXPECT_EQ(search.Holds(text), HoldsOwnPersonalData(text, data)) << text;
  }
  EXPECT_NE(search.Mask(texts[1]).find("当事人张某某于"), std::string::npos) << search.Mask(texts[1]);
  EXPECT_EQ(search.Mask(texts[1]).find("13812345678"), std::string::npos);
  EXPECT_NE(search.Mask(texts[2]).find("张三餐饮有限公司"), std::string::npos);
  EXPECT_NE(search.Mask(texts[2]).find("欧阳某某"), std::string::npos);
  EXPECT_TRUE(search.Holds(texts[4]));
  EXPECT_FALSE(search.Holds(texts[3]));
  EXPECT_EQ(search.Mask(""), "");
}

TEST(PhoneForms, AreaCodesInBracketsAreLandlines) {
  EXPECT_EQ(ByRule("电话(0351)1234567。"), "电话" + Stars(13) + "。");
  EXPECT_EQ(ByRule("电话（0351）1234567。"), "电话" + Stars(13) + "。");
  EXPECT_EQ(ByRule("电话(0351) 1234567"), "电话" + Stars(14));
  EXPECT_EQ(ByRule("(010)87654321"), Stars(13));
}

TEST(PhoneForms, MobilesGroupedByDotsOrAfterTheCountryCode) {
  EXPECT_EQ(ByRule("138.1234.5678"), Stars(13));
  EXPECT_EQ(ByRule("+86 138 1234 5678"), Stars(17));
  EXPECT_EQ(ByRule("+86-138-1234-5678"), Stars(17));
  EXPECT_EQ(ByRule("+8613812345678"), Stars(14));
  EXPECT_EQ(ByRule("0086 13812345678"), Stars(16));
  EXPECT_EQ(ByRule("86 138 1234 5678"), Stars(16));
  EXPECT_EQ(ByRule("0351-1234567"), Stars(12));
  EXPECT_EQ(ByRule("138-1234-5678"), Stars(13));
  EXPECT_EQ(ByRule("138 1234 5678"), Stars(13));
}

// 86 or 0086 written straight before a mobile is the country code too; the
// run is masked whole. A run that is not 86/0086 and a mobile stays.
TEST(PhoneForms, TheCountryCodeNeedsNoSeparator) {
  EXPECT_EQ(ByRule("电话8613812345678。"), "电话" + Stars(13) + "。");
  EXPECT_EQ(ByRule("电话008613812345678。"), "电话" + Stars(15) + "。");
  EXPECT_EQ(ByRule("８６１３８１２３４５６７８"), Stars(13));
  EXPECT_EQ(ByRule("86138 1234 5678"), Stars(15));
  for (const std::string text : {"8612812345678", "861381234567", "86138123456789", "8613812345678abc"}) {
    EXPECT_EQ(ByRule(text), text);
  }
}

TEST(PhoneForms, DecimalsDatesVersionsAndShortNumbersStay) {
  for (const std::string text : {"3.1415926535897", "2026.03.05", "版本1.0.2", "(2026)12号", "（0351）123", "+86",
                                 "+8612", "(0351)12345678901", "0351.1234567", "86 1234567", "第(1)项"}) {
    EXPECT_EQ(ByRule(text), text);
  }
}

// What looks like blank space, or nothing at all, between digit groups is a
// separator or nothing: the number rules read what a reader sees.
TEST(PhoneForms, UnicodeSpacesSeparateGroupsAndInvisibleCharactersAreNothing) {
  EXPECT_EQ(ByRule("138\u20021234\u20025678"), Stars(13));
  EXPECT_EQ(ByRule("138\u00A01234\u202F5678"), Stars(13));
  EXPECT_EQ(ByRule("手机1381234\u200B5678。"), "手机" + Stars(12) + "。");
  EXPECT_EQ(ByRule("14010119\u00AD850315123X"), Stars(19));
}

// ------------------------------------------------------------------ addresses by rule

TEST(Addresses, BelowTheCountyAnAddressIsMasked) {
  EXPECT_EQ(ByRule("山西省太原市小店区坞城路92号3号楼2单元501室"), "山西省太原市小店区" + Stars(16));
  EXPECT_EQ(ByRule("迎泽区柳巷12号"), "迎泽区" + Stars(5));
  EXPECT_EQ(ByRule("家住某村3组"), "家住" + Stars(4));
  EXPECT_EQ(ByRule("清徐县孟封镇杨房村"), "清徐县" + Stars(6));
  EXPECT_EQ(ByRule("其住所3号楼2单元501室"), "其住所" + Stars(10));
  EXPECT_EQ(ByRule("上海市黄浦区长乐路123弄4号602室"), "上海市黄浦区" + Stars(13));
  EXPECT_EQ(ByRule("小店区体育路东段12号"), "小店区" + Stars(8));
  EXPECT_EQ(ByRule("小店区阳光小区7号楼"), "小店区" + Stars(7));
  EXPECT_EQ(ByRule("位于晋源区晋祠路一段108号的"), "位于晋源区" + Stars(9) + "的");
  EXPECT_EQ(ByRule("住清徐县清源镇文源路12号）"), "住清徐县" + Stars(9) + "）");
  EXPECT_EQ(ByRule("南京道12号"), Stars(6));
  EXPECT_EQ(ByRule("新建路15号院内"), Stars(7) + "内");
}

// Blanks (every Unicode white space) and invisible characters (U+200B,
// U+FEFF, a soft hyphen, ...) inside an address are read through.
TEST(Addresses, BlanksAndInvisibleCharactersInsideAnAddressAreReadThrough) {
  EXPECT_EQ(ByRule("坞城路\u200B92号"), Stars(7));
  EXPECT_EQ(ByRule("坞城路 92号"), Stars(7));
  EXPECT_EQ(ByRule("小店区坞城\uFEFF路\u200292号3号楼"), "小店区" + Stars(11));
  EXPECT_EQ(ByRule("东山镇\u3000王家村"), Stars(7));
}

TEST(Addresses, TheRestOfTheAddressGoesWithIt) {
  EXPECT_EQ(ByRule("坞城路92号3-2-501，"), Stars(13) + "，");
  EXPECT_EQ(ByRule("坞城路９２号"), Stars(6));  // full-width digits
  EXPECT_EQ(ByRule("住所地和平南路9号"), "住所地" + Stars(6));
  // Between two numbered parts, what is not an address stays.
  EXPECT_EQ(ByRule("建国路88号SOHO现代城5号楼1单元1203室"), Stars(6) + "SOHO现代城" + Stars(11));
}

// A building part followed by more parts right after it (1栋2室; the
// corpus's 坞城路92号3号楼2单元501室) is one address, read to its end.
TEST(Addresses, PartsAfterABuildingPartBelongToTheSameAddress) {
  EXPECT_EQ(ByRule("1栋2室"), Stars(4));
  EXPECT_EQ(ByRule("在1栋2单元3层4室经营"), "在" + Stars(9) + "经营");
  EXPECT_EQ(ByRule("3号楼2单元501室，92号3号楼2单元"), Stars(10) + "，" + Stars(9));
  const PersonalData party = [] {
    PersonalData data = Persons({"张三"});
    data.texts = {"山西省太原市小店区坞城路92号3号楼2单元501室"};
    data.numbers = {"13812345678"};
    return data;
  }();
  EXPECT_EQ(
      MaskPersonalData("当事人张三（住址：山西省太原市小店区坞城路92号3号楼2单元501室，电话138-1234-5678）", party),
      "当事人张某某（住址：" + Stars(25) + "，电话" + Stars(13) + "）");
}

// A rule too eager would mask these: decision numbers, amounts, dates,
// articles, organisations, places without a number.
TEST(Addresses, WhatIsNotAnAddressStays) {
  for (const std::string text : {"依据《中华人民共和国食品安全法》第一百二十四条",
                                 "《中华人民共和国道路交通安全法》第九十条",
                                 "晋市监罚〔2026〕12号",
                                 "晋并市监罚〔2025〕第3号",
                                 "参照裁量基准第3号表",
                                 "罚款人民币5000元",
                                 "2026年3月5日",
                                 "第三十二条第一款第五项",
                                 "太原市市场监督管理局",
                                 "太原市小店区人民法院",
                                 "城乡结合部",
                                 "推进乡村振兴",
                                 "拓宽销售渠道",
                                 "在三楼经营",
                                 "扣押冷冻肉类12箱",
                                 "统一社会信用代码91140100MA0KABCD1M",
                                 "坞城路与体育路交叉口",
                                 "罚没款3号",
                                 "5号、6号仓库",
                                 "货值金额1200元"}) {
    EXPECT_EQ(ByRule(text), text);
  }
}

// ------------------------------------------------------------------ the record's own strings

TEST(OwnStrings, APersonsNameInEveryFormBecomesItsMaskedForm) {
  const PersonalData party = Persons({"\u3000张三 "});
  EXPECT_EQ(MaskPersonalData("当事人张 三、张　三、张三与张\n三", party), "当事人张某某、张某某、张某某与张某某");
  EXPECT_EQ(MaskPersonalData("欧阳 娜娜", Persons({"欧阳娜娜"})), "欧阳某某");
  EXPECT_EQ(MaskPersonalData("当事人已改正。", Persons({""})), "当事人已改正。");
}

// Every Unicode white space character and every invisible one (zero-width
// spaces and joiners, word joiners, a soft hyphen, a byte-order mark,
// variation selectors) may stand inside or around a name, an address or a
// credit code; each is read through.
TEST(OwnStrings, UnicodeBlanksAndInvisibleCharactersInsideANameAreReadThrough) {
  for (const std::string blank :
       {"\u00A0", "\u1680", "\u2002", "\u2003", "\u2009", "\u200A", "\u200B", "\u200C", "\u200D", "\u200E", "\u2028",
        "\u202F", "\u205F", "\u2060", "\u2063", "\uFEFF", "\u00AD", "\uFE0F", "\u180E"}) {
    EXPECT_EQ(MaskPersonalData("当事人张" + blank + "三经营", Persons({"张三"})), "当事人张某某经营") << blank;
    EXPECT_EQ(MaskPersonalData("当事人张三", Persons({blank + "张三" + blank})), "当事人张某某") << blank;
    EXPECT_EQ(MaskPersonalData("住址：太原市" + blank + "小店区某街1号", Texts({"太原市小店区某街1号"})),
              "住址：" + Stars(11))
        << blank;
  }
  EXPECT_EQ(MaskName("\u2002张三\uFEFF"), "张某某");
}

// A name of one character cannot be told from the words that hold it (行李,
// 李子): it is not searched for in text. The party's own name field is masked
// all the same (MaskParty).
TEST(OwnStrings, AOneCharacterNameIsNotSearchedFor) {
  EXPECT_EQ(MaskPersonalData("当事人将行李放在李子树下", Persons({"李"})), "当事人将行李放在李子树下");
  EXPECT_EQ(MaskPersonalData("行李", Persons({" 李\u3000"})), "行李");
  EXPECT_EQ(MaskPersonalData("行李", Persons({"李\u200B"})), "行李");
  EXPECT_EQ(MaskPersonalData("A股", Persons({"A"})), "A股");
  EXPECT_EQ(MaskPersonalData("当事人李四的行李", Persons({"李", "李四"})), "当事人李某某的行李");
}

// A line break is a blank like any other inside a name: a name wrapped at the
// end of a line is found (张\n三). The price is a name found where one line
// ends with its first characters and the next begins with the rest (主张\n三日内
// reads 主张某某日内): masking too much, never publishing a name.
TEST(OwnStrings, ANameIsFoundAcrossALineBreak) {
  EXPECT_EQ(MaskPersonalData("经查，当事人张\n三于2026年", Persons({"张三"})), "经查，当事人张某某于2026年");
  EXPECT_EQ(MaskPersonalData("当事人对此主张\n三日内提出", Persons({"张三"})), "当事人对此主张某某日内提出");
  EXPECT_EQ(MaskPersonalData("当事人对此主张。\n三日内提出", Persons({"张三"})), "当事人对此主张。\n三日内提出");
}

TEST(OwnStrings, TheLongestNameWins) {
  EXPECT_EQ(MaskPersonalData("张三丰和张三", Persons({"张三", "张三丰"})), "张某某和张某某");
}

// A name in Latin letters counts only as a word; its masked form (L某某)
// would be longer than 3 bytes a byte, so it becomes ＊.
TEST(OwnStrings, ALatinNameCountsOnlyAsAWord) {
  EXPECT_EQ(MaskPersonalData("Li说，Limited的LI", Persons({"Li"})), Stars(2) + "说，Limited的" + Stars(2));
  EXPECT_EQ(MaskPersonalData("丈夫Alimjan Tursun发货", Persons({"Alimjan Tursun"})), "丈夫A某某发货");
}

TEST(OwnStrings, AnAddressOrCodeIsMaskedWhereverItIsRepeated) {
  EXPECT_EQ(MaskPersonalData("住址：太原市 小店区某街1号。", Texts({"太原市小店区某街1号"})),
            "住址：" + Stars(11) + "。");
  EXPECT_EQ(MaskPersonalData("代码92140105ma0lq8ux30。", Texts({"92140105MA0LQ8UX30"})), "代码" + Stars(18) + "。");
  // A single character is no address to search for.
  EXPECT_EQ(MaskPersonalData("无证经营", Texts({"无"})), "无证经营");
}

TEST(OwnStrings, ANumberIsFoundByItsDigitsWhateverSeparatesThem) {
  EXPECT_EQ(MaskPersonalData("手机138 1234 56 78", Numbers({"+86 138 1234 5678"})), "手机" + Stars(14));
  EXPECT_EQ(MaskPersonalData("身份证1401 0519 8503 1512 3x", Numbers({"14010519850315123X"})), "身份证" + Stars(22));
  EXPECT_EQ(MaskPersonalData("卡号62220212 34567890123。", Numbers({"6222 0212 3456 7890 123"})),
            "卡号" + Stars(20) + "。");
  // Fewer than 6 digits are no number to search for.
  EXPECT_EQ(MaskPersonalData("第110条", Numbers({"110"})), "第110条");
}

// The party's own numbers are found through any blank between their digits
// (every Unicode white space, a line break where a number is wrapped) and
// through invisible characters; a landline's local number stands alone where
// a line break ends it.
TEST(OwnStrings, ANumberIsFoundThroughUnicodeBlanksAndLineBreaks) {
  const PersonalData phone = Numbers({"13812345678"});
  EXPECT_EQ(MaskPersonalData("手机138\u20021234\u20035678", phone), "手机" + Stars(13));
  EXPECT_EQ(MaskPersonalData("手机1381234\u200B5678", phone), "手机" + Stars(12));
  EXPECT_EQ(MaskPersonalData("手机138123\n45678", phone), "手机" + Stars(12));
  EXPECT_EQ(MaskPersonalData("座机\n1234567\n2份", Numbers({"0351-1234567"})), "座机\n" + Stars(7) + "\n2份");
}

TEST(OwnStrings, ALandlinesLocalNumberCountsWhereItStandsAlone) {
  EXPECT_EQ(MaskPersonalData("电话（0351）1234567，座机1234567，另0351 1234567，编号12345678，号码91234567",
                             Numbers({"0351-1234567"})),
            "电话" + Stars(13) + "，座机" + Stars(7) + "，另" + Stars(12) + "，编号12345678，号码91234567");
}

TEST(OwnStrings, AnOrganisationsNameStaysEvenWhereItHoldsAPersonsName) {
  PersonalData data = Persons({"张三"});
  data.kept = {"张三餐饮有限公司"};
  EXPECT_EQ(MaskPersonalData("张三餐饮有限公司法定代表人张三", data), "张三餐饮有限公司法定代表人张某某");
}

TEST(OwnStrings, ANameInsideAnAddressIsMaskedWithIt) {
  EXPECT_EQ(MaskPersonalData("张三村3组", Persons({"张三"})), Stars(5));
  EXPECT_EQ(MaskPersonalData("王五（住坞城路92号）", Persons({"王五"})), "王某某（住" + Stars(6) + "）");
}

TEST(OwnStrings, InvalidBytesPassThrough) {
  EXPECT_EQ(MaskPersonalData("\xff张三\xfe", Persons({"张三"})), "\xff张某某\xfe");
  EXPECT_EQ(MaskPersonalData("张三", Persons({"\xff张三"})), "张三") << "a name that is not text is not searched for";
}

// What the size bounds of public records rely on (penalty_public.h).
TEST(OwnStrings, EveryByteBecomesAtMostThree) {
  PersonalData data = Persons({"A", "张", "司马"});
  data.texts = {"ab"};
  data.numbers = {"13812345678"};
  for (const std::string text : {"AAAA", "张张张", "司马司马", "abab", "1 3 8 1 2 3 4 5 6 7 8",
                                 "坞城路92号3号楼2单元501室", "a3号楼2单元501室"}) {
    EXPECT_LE(MaskPersonalData(text, data).size(), 3 * text.size()) << text;
  }
}

// ------------------------------------------------------------------ the cost at write time

// Every published field of every record is masked when it is written: up to
// 20,000 bytes of text against 50 mentioned persons, each searched for once
// over the whole text (linear in the text and the name). gtest's time of
// these tests is the cost of one such field.

// 50 names, every one named over and over in 20,000 bytes with addresses and
// phones between them.
TEST(MaskingCost, FiftyPersonsInTwentyThousandBytes) {
  const std::vector<std::string> surnames = {"张", "王", "李", "赵", "刘", "陈", "杨", "黄", "周", "吴"};
  const std::vector<std::string> given = {"伟", "芳", "娜", "敏", "静"};
  PersonalData data;
  for (const std::string& s : surnames) {
    for (const std::string& g : given) data.persons.push_back(s + g + "明");
  }
  ASSERT_EQ(data.persons.size(), 50u);
  std::string text;
  for (std::size_t i = 0;; ++i) {
    const std::string n = std::to_string(i % 100 + 1);
    const std::string sentence = "证人" + data.persons[i % 50] + "（住小店区坞城路" + n + "号" + n + "号楼2单元" + n +
                                 "01室，电话138-1234-" + std::to_string(1000 + i % 9000) + "）称，";
    if (text.size() + sentence.size() > 20000) break;
    text += sentence;
  }
  ASSERT_GT(text.size(), 19900u);
  const std::string masked = MaskPersonalData(text, data);
  for (const std::string& name : data.persons) {
    EXPECT_EQ(masked.find(name), std::string::npos) << name;
    EXPECT_NE(masked.find("证人" + MaskName(name) + "（住小店区＊"), std::string::npos) << name;
  }
  EXPECT_EQ(masked.find("坞城路"), std::string::npos);
  EXPECT_EQ(masked.find("138-1234"), std::string::npos);
  EXPECT_LE(masked.size(), 3 * text.size());
}

// The most matches a text can hold: 50 names that are runs of one character
// (1 to 50 of it) in a text of nothing else, every position matched by each.
TEST(MaskingCost, FiftyOverlappingNamesMatchedEverywhere) {
  PersonalData data;
  for (int k = 1; k <= 50; ++k) {
    std::string name;
    for (int i = 0; i < k; ++i) name += "张";
    data.persons.push_back(name);
  }
  std::string text;
  for (int i = 0; i < 6666; ++i) text += "张";
  EXPECT_EQ(MaskPersonalData(text, data), Stars(6666));
}

// The most numbered parts of a building in a row: 20,000 bytes of them are
// one address.
TEST(MaskingCost, TwentyThousandBytesOfAdjacentBuildingParts) {
  std::string text;
  for (int i = 0; i < 2500; ++i) text += "1栋2室";
  ASSERT_EQ(text.size(), 20000u);
  EXPECT_EQ(ByRule(text), Stars(10000));
}

// ------------------------------------------------------------------ names

TEST(MaskName, SurnamePlusMouMouOfTheTrimmedName) {
  EXPECT_EQ(MaskName("张三"), "张某某");
  EXPECT_EQ(MaskName("\u3000张 三 "), "张某某");
  EXPECT_EQ(MaskName("上官婉儿"), "上官某某");
  EXPECT_EQ(MaskName(" "), "");
}

}  // namespace
}  // namespace gongkai::common
