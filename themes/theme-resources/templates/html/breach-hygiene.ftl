<#import "template.ftl" as layout>
<@layout.emailLayout>
<p>${msg("breachHygieneIntro", user.username, realmName)}</p>
<ul>
<#if askMfa><li>${msg("breachHygieneMfa")}</li></#if>
<#if askPassword><li>${msg("breachHygienePassword", passwordAgeDays)}</li></#if>
</ul>
<p>${msg("breachHygieneHow")}</p>
<p><strong>${msg("breachReminderNoLink")}</strong></p>
<p>${msg("breachReminderNeverAsk")}</p>
</@layout.emailLayout>
