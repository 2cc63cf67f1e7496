<#ftl output_format="plainText">
${msg("breachSecurityWhat." + change, user.username, when, (factor?has_content)?then(msg("breachFactor." + factor), msg("breachSecurityAFactor")))}

${msg("breachSecurityIfYou")}

${msg("breachSecurityIfNotYou")}

${msg("breachSecurityReportLink")}: ${reportUrl}

${msg("breachSecurityLinkNote", linkDays)}
