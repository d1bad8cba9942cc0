# Script mode: writes a .cc defining <TARGET>Migrations() from the SQL FILES.
set(body "")
foreach(f ${FILES})
  get_filename_component(name ${f} NAME)
  string(REGEX MATCH "^[0-9]+" number ${name})
  if(number STREQUAL "")
    message(FATAL_ERROR "migration ${name} does not start with its number")
  endif()
  math(EXPR version "${number}")
  file(READ ${f} sql)
  string(APPEND body "      {${version}, \"${name}\", R\"gk_sql(${sql})gk_sql\"},\n")
endforeach()
string(MAKE_C_IDENTIFIER ${TARGET} ident)
file(WRITE ${OUT}.tmp
"// Built from the SQL files of schema ${SCHEMA}; do not edit.
#include \"common/migrations.h\"

namespace gongkai {
const common::MigrationSet& ${ident}_migrations() {
  static const common::MigrationSet kSet{
    \"${SCHEMA}\",
    {
${body}    }};
  return kSet;
}
}  // namespace gongkai
")
file(COPY_FILE ${OUT}.tmp ${OUT} ONLY_IF_DIFFERENT)
