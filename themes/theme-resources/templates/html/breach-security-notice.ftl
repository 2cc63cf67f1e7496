<#import "template.ftl" as layout>
<@layout.emailLayout>
<p>${msg("breachSecurityWhat." + change, user.username, when, (factor?has_content)?then(msg("breachFactor." + factor), msg("breachSecurityAFactor")))}</p>
<p>${msg("breachSecurityIfYou")}</p>
<p><strong>${msg("breachSecurityIfNotYou")}</strong></p>
<p><a id="breach-report-link" href="${reportUrl}">${msg("breachSecurityReportLink")}</a></p>
<p>${msg("breachSecurityLinkNote", linkDays)}</p>
</@layout.emailLayout>
