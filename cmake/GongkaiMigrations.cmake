# gongkai_embed_migrations(<target> <schema> <dir>)
# Compiles a service's numbered SQL files into the binary, so a deployed
# process needs no migration files on disk, followed by the migrations every
# schema shares (common/migrations, numbered from 1001; a service's own stay
# below 1000).
function(gongkai_embed_migrations target schema dir)
  file(GLOB sql_files CONFIGURE_DEPENDS ${dir}/*.sql)
  file(GLOB shared_files CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/common/migrations/*.sql)
  list(SORT sql_files)
  list(SORT shared_files)
  list(APPEND sql_files ${shared_files})
  set(out ${CMAKE_CURRENT_BINARY_DIR}/${target}_migrations.cc)
  add_custom_command(
    OUTPUT ${out}
    COMMAND ${CMAKE_COMMAND} -DOUT=${out} -DSCHEMA=${schema} -DTARGET=${target}
            "-DFILES=${sql_files}" -P ${PROJECT_SOURCE_DIR}/cmake/EmbedMigrations.cmake
    DEPENDS ${sql_files} ${PROJECT_SOURCE_DIR}/cmake/EmbedMigrations.cmake
    COMMENT "embedding ${schema} migrations"
    VERBATIM)
  target_sources(${target} PRIVATE ${out})
endfunction()
