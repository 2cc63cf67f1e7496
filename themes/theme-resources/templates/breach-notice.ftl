<#import "template.ftl" as layout>
<#-- Breach notice (Breach Response for Keycloak): what was exposed, what to do, how to recognise phishing.
     Served to every login theme through the jar's theme-resources: it needs only the theme's template.ftl and
     optional kc* properties (keycloak.v2, keycloak and their children all render it); a theme may override it. -->
<@layout.registrationLayout displayMessage=false; section>
<!-- template: breach-notice.ftl -->
    <#if section = "header">
        ${msg("breachNoticeTitle")}
    <#elseif section = "form">
    <div id="breach-notice" class="${properties.kcContentWrapperClass!}">
        <p>${msg("breachNoticeIntro")}</p>
        <#list breachIncidents as incident>
            <p><strong>${msg("breachNoticeExposedIn", incident.title)}</strong></p>
            <ul class="pf-v5-c-list pf-v5-u-mb-md" role="list" id="breach-exposed-${incident?index}">
                <#list incident.exposedData as item><li>${msg("breachExposed." + item)}</li></#list>
            </ul>
        </#list>
        <#if breachMailbox>
            <p id="breach-todo">${msg("breachNoticeMailbox")}</p>
        <#elseif breachEnrolling>
            <p id="breach-todo">${msg("breachNoticeMustEnrol")}<#if breachPasswordChange> ${msg("breachNoticeMustChangePassword")}</#if></p>
        <#else>
            <p id="breach-todo">${msg("breachNoticeDone")}<#if breachPasswordChange> ${msg("breachNoticeMustChangePassword")}</#if></p>
        </#if>
        <#if breachNoticeText?has_content>
            <p id="breach-notice-text">${breachNoticeText}</p>
        </#if>
        <div class="${properties.kcAlertClass!} pf-m-info">
            <div class="${properties.kcAlertIconClass!}"><i class="${properties.kcFeedbackInfoIcon!}" aria-hidden="true"></i></div>
            <span class="${properties.kcAlertTitleClass!}">${msg("breachNoticePhishingTitle")}</span>
        </div>
        <ul class="pf-v5-c-list" role="list" id="breach-phishing">
            <li>${msg("breachNoticePhishing1")}</li>
            <li>${msg("breachNoticePhishing2")}</li>
            <li>${msg("breachNoticePhishing3")}</li>
        </ul>
    </div>
    <form id="kc-breach-notice-form" class="${properties.kcFormClass!}" action="${url.loginAction}" method="POST">
        <div class="${properties.kcFormGroupClass!}">
            <div id="kc-form-buttons" class="${properties.kcFormButtonsClass!} ${properties.kcFormActionGroupClass!} pf-v5-u-flex-nowrap">
                <button class="${properties.kcButtonClass!} ${properties.kcButtonPrimaryClass!} ${properties.kcButtonBlockClass!}" name="continue" id="kc-breach-continue" type="submit">${msg("breachNoticeContinue")}</button>
                <#if breachCanPostpone>
                    <button class="${properties.kcButtonClass!} ${properties.kcButtonSecondaryClass!(properties.kcButtonDefaultClass!)} ${properties.kcButtonBlockClass!}" name="postpone" id="kc-breach-postpone" type="submit">${msg("breachNoticePostpone")}</button>
                </#if>
            </div>
        </div>
    </form>
    </#if>
</@layout.registrationLayout>
